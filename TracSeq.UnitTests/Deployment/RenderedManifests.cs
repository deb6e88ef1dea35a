using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace TracSeq.UnitTests.Deployment;

/// <summary>
/// An overlay of deploy/kubernetes as <c>kubectl kustomize</c> renders it, offline: built-in kinds parsed into the
/// Kubernetes client's own model types, custom resources (CloudNativePG, Prometheus operator) as plain YAML trees.
/// </summary>
public sealed partial class RenderedManifests
{
    public static readonly string[] Overlays = ["dev", "production"];

    /// <summary>Every TracSeq service, each a Deployment (and Service, PDB, HPA, ServiceMonitor) of that name.</summary>
    public static readonly string[] Services = ["gateway", "auth", "samples", "templates", "sequencing", "web"];

    public required string Text { get; init; }
    public required IReadOnlyList<(string Kind, string Document)> Documents { get; init; }

    public IEnumerable<T> All<T>(string kind) =>
        Documents.Where(d => d.Kind == kind).Select(d => KubernetesYaml.Deserialize<T>(d.Document));

    public IReadOnlyList<V1Deployment> Deployments => [.. All<V1Deployment>("Deployment")];

    public V1Deployment Deployment(string name) => Deployments.Single(d => d.Metadata.Name == name);

    /// <summary>A custom resource as nested dictionaries, lists and strings.</summary>
    public IEnumerable<Dictionary<object, object>> Custom(string kind) =>
        Documents.Where(d => d.Kind == kind).Select(d => new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(d.Document));

    public static RenderedManifests Render(string overlay)
    {
        var directory = Path.Combine(RepositoryRoot, "deploy", "kubernetes", "overlays", overlay);
        var kubectl = new ProcessStartInfo("kubectl", ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(kubectl) ?? throw new InvalidOperationException("kubectl did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} failed: {stderr.Result}");
        }
        var documents = DocumentSeparator().Split(text)
            .Where(d => !string.IsNullOrWhiteSpace(d))
            .Select(d => (KindLine().Match(d).Groups[1].Value, d))
            .ToList();
        return new RenderedManifests { Text = text, Documents = documents };
    }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TracSeq.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("TracSeq.sln not found above the test's folder.");
        }
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^kind: (\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex KindLine();
}
