using TracSeq.Tests.AppModel;

namespace TracSeq.Tests.Security;

/// <summary>Settings of the infrastructure that security depends on, in both modes, from the built (never started) model.</summary>
public sealed class InfrastructureModelTests
{
    private static async Task<IDistributedApplicationTestingBuilder> ModelAsync(string mode) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            [$"--TracSeq:Infrastructure={mode}", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), $"tracseq-model-{mode}")}"]);

    [Fact]
    public async Task Container_Redis_never_evicts_so_revocations_cannot_be_dropped()
    {
        await using var builder = await ModelAsync("containers");
        var redis = builder.Resources.Single(r => r.Name == "cache");

        var command = (await ModelValues.ArgumentsAsync(redis)).Single(a => a.StartsWith("redis-server", StringComparison.Ordinal));

        command.ShouldContain("--maxmemory-policy noeviction");
        command.ShouldContain("--maxmemory 256mb");
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("local")]
    public async Task Prometheus_runs_without_its_lifecycle_API(string mode)
    {
        await using var builder = await ModelAsync(mode);
        var prometheus = builder.Resources.Single(r => r.Name == "prometheus");

        (await ModelValues.ArgumentsAsync(prometheus)).ShouldNotContain("--web.enable-lifecycle");
    }

    [Fact]
    public async Task The_service_secret_is_a_generated_secret_parameter_given_only_to_the_services_that_sign_or_check_calls()
    {
        await using var builder = await ModelAsync("containers");
        var secret = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "service-secret");
        secret.Secret.ShouldBeTrue();

        // Samples checks Templates' and Sequencing's calls; the gateway checks the web front end's forwarded address.
        foreach (var service in new[] { "samples", "templates", "sequencing", "gateway", "web" })
        {
            var environment = await ModelValues.EnvironmentAsync(builder.Resources.Single(r => r.Name == service));
            environment["TracSeq__ServiceSecret"].ShouldBe("{service-secret.value}", service);
        }
        var auth = await ModelValues.EnvironmentAsync(builder.Resources.Single(r => r.Name == "auth"));
        auth.ShouldNotContainKey("TracSeq__ServiceSecret");
    }
}
