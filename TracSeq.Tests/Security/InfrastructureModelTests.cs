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
    public async Task Each_service_signs_with_its_own_generated_key_and_holds_only_the_keys_it_needs()
    {
        await using var builder = await ModelAsync("containers");
        builder.Resources.OfType<ParameterResource>().ShouldNotContain(p => p.Name == "service-secret");
        var expected = new Dictionary<string, string[]>
        {
            ["auth"] = ["gateway"],                    // believes the client address the gateway signs
            ["samples"] = ["samples", "templates", "sequencing"], // signs its label reads; the callers of its /internal routes
            ["templates"] = ["templates"],
            ["sequencing"] = ["sequencing", "samples"], // Samples reads libraries and pools for labels
            ["gateway"] = ["gateway", "web"],           // signs for Auth, believes the web front end's client address
            ["web"] = ["web"],
        };
        foreach (var (service, keys) in expected)
        {
            var environment = await ModelValues.EnvironmentAsync(builder.Resources.Single(r => r.Name == service));
            environment.Keys.Where(k => k.StartsWith("TracSeq__ServiceKeys__", StringComparison.Ordinal)).Order()
                .ShouldBe(keys.Select(k => $"TracSeq__ServiceKeys__{k}").Order(), service);
            foreach (var key in keys)
            {
                environment[$"TracSeq__ServiceKeys__{key}"].ShouldBe($"{{service-key-{key}.value}}", service);
                builder.Resources.OfType<ParameterResource>().Single(p => p.Name == $"service-key-{key}").Secret.ShouldBeTrue();
            }
            environment.ShouldNotContainKey("TracSeq__ServiceSecret");
            environment.Keys.ShouldNotContain(k => k.StartsWith("ForwardedHeaders__", StringComparison.Ordinal), service); // no proxy believed
        }
        var web = await ModelValues.EnvironmentAsync(builder.Resources.Single(r => r.Name == "web"));
        web["Web__KeyRingKey"].ShouldBe("{web-key-ring-key.value}");
    }
}
