using TracSeq.UnitTests.Deployment;

namespace TracSeq.Tests.AppModel;

/// <summary>
/// The Kubernetes Deployments against the AppHost's real model (built, never started): every connection string,
/// service-discovery address and setting the AppHost hands a service must be set in that service's Deployment too,
/// or the service would start on Kubernetes without its database, Redis or a peer.
/// </summary>
public sealed class KubernetesEnvironmentTests
{
    /// <summary>What the services read of what the AppHost sets; Aspire's own plumbing (OTLP, ports) is left out.</summary>
    private static bool ReadByTheService(string variable) =>
        variable.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
        || variable.StartsWith("services__", StringComparison.Ordinal)
        || variable.StartsWith("Auth__", StringComparison.Ordinal)
        || variable.StartsWith("TracSeq__ServiceKeys__", StringComparison.Ordinal)
        || variable == "Web__KeyRingKey";

    [Fact]
    public async Task Every_variable_the_AppHost_gives_a_service_is_set_in_its_Kubernetes_Deployment()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=local", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), "tracseq-model")}"]);
        var rendered = RenderedManifests.Render("production");
        var projects = builder.Resources.OfType<ProjectResource>().ToList();

        projects.Select(p => p.Name).ShouldBeSubsetOf(RenderedManifests.Services);
        foreach (var project in projects)
        {
            var fromAppHost = (await ModelValues.RawEnvironmentAsync(project)).Keys.Where(ReadByTheService).ToList();
            var inDeployment = rendered.Deployment(project.Name).Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name).ToList();

            fromAppHost.ShouldNotBeEmpty(project.Name);
            foreach (var variable in fromAppHost)
            {
                inDeployment.ShouldContain(variable, $"the AppHost gives {project.Name} {variable}");
            }
        }
    }
}
