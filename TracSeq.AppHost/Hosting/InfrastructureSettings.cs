using System.Diagnostics;
using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace TracSeq.AppHost.Hosting;

public enum InfrastructureMode
{
    /// <summary>PostgreSQL, Redis, Prometheus, ... as local executables from Debian packages.</summary>
    Local,
    /// <summary>The same servers as container images, through Docker or Podman.</summary>
    Containers,
}

/// <summary>
/// How this AppHost runs its infrastructure. Configuration keys (appsettings, environment <c>TracSeq__...</c>, or
/// <c>--TracSeq:...=</c> arguments):
/// <list type="bullet">
/// <item><c>TracSeq:Infrastructure</c> = <c>auto</c> (default: containers when a container runtime answers), <c>local</c> or <c>containers</c>.</item>
/// <item><c>TracSeq:DataDirectory</c>: where local mode keeps its data (default <c>TracSeq.AppHost/.data</c>).</item>
/// <item><c>TracSeq:DurableStorage</c>: <c>false</c> turns off fsync in local PostgreSQL (tests only).</item>
/// <item><c>TracSeq:ScrapeIntervalSeconds</c>: Prometheus scrape and rule-evaluation interval (default 15).</item>
/// </list>
/// </summary>
public sealed record InfrastructureSettings(
    InfrastructureMode Mode,
    string DataDirectory,
    bool DurableStorage,
    TimeSpan ScrapeInterval,
    string MonitoringDirectory,
    LocalPrograms Programs)
{
    public const string ModeKey = "TracSeq:Infrastructure";

    public bool IsLocal => Mode == InfrastructureMode.Local;

    public static InfrastructureSettings Resolve(IDistributedApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var mode = (config[ModeKey] ?? "auto").Trim().ToLowerInvariant() switch
        {
            "local" => InfrastructureMode.Local,
            "containers" or "container" => InfrastructureMode.Containers,
            "auto" or "" => ContainerRuntimeAnswers(config) ? InfrastructureMode.Containers : InfrastructureMode.Local,
            var other => throw new DistributedApplicationException(
                $"{ModeKey} is '{other}'; use 'auto', 'local' or 'containers'."),
        };

        var dataDirectory = config["TracSeq:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(builder.AppHostDirectory, ".data");
        var programs = LocalPrograms.FromEnvironment();
        if (mode == InfrastructureMode.Local)
        {
            programs.EnsureInstalled(LocalPrograms.Required);
            if (OperatingSystem.IsWindows())
            {
                throw new DistributedApplicationException("Local infrastructure mode runs Linux servers; use containers on Windows.");
            }
            // Servers that drop to the postgres user must be able to reach their folders.
            Directory.CreateDirectory(dataDirectory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            DataDirectoryAccess.EnsureReachableByPostgres(dataDirectory);
        }

        return new InfrastructureSettings(
            mode,
            dataDirectory,
            DurableStorage: config.GetValue("TracSeq:DurableStorage", true),
            ScrapeInterval: TimeSpan.FromSeconds(config.GetValue("TracSeq:ScrapeIntervalSeconds", 15)),
            MonitoringDirectory: Path.Combine(builder.AppHostDirectory, "monitoring"),
            programs);
    }

    /// <summary>Does the container runtime Aspire would use (ASPIRE_CONTAINER_RUNTIME, default docker) answer?</summary>
    private static bool ContainerRuntimeAnswers(IConfiguration config)
    {
        var runtime = config["ASPIRE_CONTAINER_RUNTIME"] ?? config["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(runtime, ["info"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            probe.StandardOutput.ReadToEndAsync();
            probe.StandardError.ReadToEndAsync();
            if (!probe.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                probe.Kill(entireProcessTree: true);
                return false;
            }
            return probe.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // no such client installed
        }
    }
}
