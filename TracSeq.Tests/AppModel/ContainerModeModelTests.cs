using Aspire.Hosting.Postgres;
using Aspire.Hosting.Redis;
using TracSeq.AppHost.Hosting.Prometheus;

namespace TracSeq.Tests.AppModel;

/// <summary>
/// The container-mode model, built but never started: no container runtime is needed to check what would run.
/// </summary>
public sealed class ContainerModeModelTests : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder _builder = null!;

    public async Task InitializeAsync() =>
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=containers", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), "tracseq-model")}"]);

    public async Task DisposeAsync() => await _builder.DisposeAsync();

    private T Resource<T>(string name) where T : IResource =>
        _builder.Resources.Single(r => r.Name == name).ShouldBeAssignableTo<T>()!;

    [Fact]
    public void PostgreSQL_15_runs_as_a_container_with_a_persistent_volume_and_the_three_databases()
    {
        var postgres = Resource<PostgresServerResource>("postgres");

        postgres.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe("docker.io/library/postgres:15");
        postgres.Annotations.OfType<ContainerMountAnnotation>()
            .ShouldContain(m => m.Type == ContainerMountType.Volume && m.Source == "tracseq-postgres-data" && m.Target == "/var/lib/postgresql/data");
        postgres.Databases.Keys.ShouldBe(["authdb", "samplesdb", "templatesdb"], ignoreOrder: true);
        Resource<PostgresDatabaseResource>("samplesdb").Parent.ShouldBe(postgres);
    }

    [Fact]
    public void Redis_runs_as_a_container_with_a_persistent_volume()
    {
        var redis = Resource<RedisResource>("cache");

        redis.TryGetContainerImageName(out var image).ShouldBeTrue();
        image!.ShouldStartWith("docker.io/library/redis:");
        redis.Annotations.OfType<ContainerMountAnnotation>()
            .ShouldContain(m => m.Type == ContainerMountType.Volume && m.Source == "tracseq-redis-data");
    }

    [Fact]
    public void Prometheus_runs_the_official_image_with_the_generated_config_and_the_rule_files_mounted()
    {
        var prometheus = Resource<ContainerResource>("prometheus");

        prometheus.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe($"{PrometheusHostingExtensions.Image}:{PrometheusHostingExtensions.ImageTag}");
        var mounts = prometheus.Annotations.OfType<ContainerMountAnnotation>().ToList();
        mounts.ShouldContain(m => m.Type == ContainerMountType.BindMount && m.Target == "/etc/prometheus/tracseq" && m.IsReadOnly);
        mounts.ShouldContain(m => m.Type == ContainerMountType.BindMount && m.Target == "/etc/prometheus/rules"
                                  && m.Source!.EndsWith(Path.Combine("monitoring", "prometheus", "rules")));
        prometheus.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(9090);
        prometheus.Annotations.OfType<PrometheusScrapeTargetAnnotation>().Select(t => t.Job)
            .ShouldBe(["gateway", "auth", "samples", "templates"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("cache")]
    [InlineData("prometheus")]
    public void Infrastructure_runs_as_containers_not_local_executables(string name)
    {
        var resource = _builder.Resources.Single(r => r.Name == name);

        resource.ShouldBeAssignableTo<ContainerResource>();
        resource.ShouldNotBeAssignableTo<ExecutableResource>();
    }

    [Theory]
    [InlineData("auth", "authdb")]
    [InlineData("samples", "samplesdb")]
    [InlineData("templates", "templatesdb")]
    public void Each_service_references_its_database_and_the_cache(string service, string database)
    {
        var project = Resource<ProjectResource>(service);
        var references = project.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference").Select(r => r.Resource.Name).ToList();

        references.ShouldContain(database);
        references.ShouldContain("cache");
    }
}
