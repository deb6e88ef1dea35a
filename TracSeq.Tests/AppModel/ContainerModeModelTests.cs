using Aspire.Hosting.Postgres;
using Aspire.Hosting.Redis;
using TracSeq.AppHost.Hosting.Alertmanager;
using TracSeq.AppHost.Hosting.Elastic;
using TracSeq.AppHost.Hosting.Exporters;
using TracSeq.AppHost.Hosting.Grafana;
using TracSeq.AppHost.Hosting.Jaeger;
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
    public void PostgreSQL_15_runs_as_a_container_with_a_persistent_volume_and_the_four_databases()
    {
        var postgres = Resource<PostgresServerResource>("postgres");

        postgres.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe("docker.io/library/postgres:15");
        postgres.Annotations.OfType<ContainerMountAnnotation>()
            .ShouldContain(m => m.Type == ContainerMountType.Volume && m.Source == "tracseq-postgres-data" && m.Target == "/var/lib/postgresql/data");
        postgres.Databases.Keys.ShouldBe(["authdb", "samplesdb", "templatesdb", "sequencingdb"], ignoreOrder: true);
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
            .ShouldBe(["gateway", "auth", "samples", "templates", "sequencing", "web", "postgres-exporter", "redis-exporter", "node-exporter", "alertmanager"],
                ignoreOrder: true);
        prometheus.Annotations.OfType<PrometheusAlertmanagerAnnotation>().ShouldHaveSingleItem().Endpoint.Resource.Name.ShouldBe("alertmanager");
    }

    [Fact]
    public async Task Alertmanager_runs_the_official_image_with_the_rendered_config_mounted_and_no_gossip_port()
    {
        var alertmanager = Resource<ContainerResource>("alertmanager");

        alertmanager.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe($"{AlertmanagerHostingExtensions.Image}:{AlertmanagerHostingExtensions.ImageTag}");
        alertmanager.Annotations.OfType<ContainerMountAnnotation>()
            .ShouldContain(m => m.Target == "/etc/alertmanager/tracseq" && m.IsReadOnly && m.Source!.EndsWith(Path.Combine("tracseq-model", "alertmanager")));
        alertmanager.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(9093);
        var args = await ModelValues.ArgumentsAsync(alertmanager);
        args.ShouldContain("--config.file=/etc/alertmanager/tracseq/alertmanager.yml");
        args.ShouldContain("--cluster.listen-address=");
    }

    [Theory]
    [InlineData("node-exporter", ExporterHostingExtensions.NodeExporterImage, ExporterHostingExtensions.NodeExporterImageTag, 9100)]
    [InlineData("postgres-exporter", ExporterHostingExtensions.PostgresExporterImage, ExporterHostingExtensions.PostgresExporterImageTag, 9187)]
    [InlineData("redis-exporter", ExporterHostingExtensions.RedisExporterImage, ExporterHostingExtensions.RedisExporterImageTag, 9121)]
    public void Exporters_run_their_projects_images(string name, string image, string tag, int port)
    {
        var exporter = Resource<ContainerResource>(name);

        exporter.TryGetContainerImageName(out var actual).ShouldBeTrue();
        actual.ShouldBe($"{image}:{tag}");
        exporter.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(port);
    }

    [Fact]
    public async Task The_exporters_connect_with_the_servers_generated_passwords()
    {
        var postgres = await ModelValues.EnvironmentAsync(Resource<ContainerResource>("postgres-exporter"));
        var redis = await ModelValues.EnvironmentAsync(Resource<ContainerResource>("redis-exporter"));

        postgres["DATA_SOURCE_NAME"].ShouldStartWith("postgresql://");
        postgres["DATA_SOURCE_NAME"].ShouldContain("tracseq_monitor:{postgres-monitor-password.value}"); // pg_monitor, not the superuser
        postgres["DATA_SOURCE_NAME"].ShouldEndWith("/postgres?sslmode=disable&connect_timeout=1"); // answers pg_up 0 within a scrape
        redis["REDIS_EXPORTER_CONNECTION_TIMEOUT"].ShouldBe("1s");
        redis["REDIS_ADDR"].ShouldStartWith("redis://{cache.bindings.tcp.");
        redis["REDIS_PASSWORD"].ShouldBe("{cache-password.value}");
    }

    [Fact]
    public async Task The_node_exporter_reads_the_host_not_its_container()
    {
        var exporter = Resource<ContainerResource>("node-exporter");

        exporter.Annotations.OfType<ContainerMountAnnotation>().ShouldContain(m => m.Source == "/" && m.Target == "/host" && m.IsReadOnly);
        (await ModelValues.ArgumentsAsync(exporter)).ShouldContain("--path.rootfs=/host");
    }

    [Fact]
    public async Task Grafana_mounts_the_provisioning_and_dashboards_and_takes_its_admin_password_from_a_secret_parameter()
    {
        var grafana = Resource<ContainerResource>("grafana");

        grafana.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe($"{GrafanaHostingExtensions.Image}:{GrafanaHostingExtensions.ImageTag}");
        var mounts = grafana.Annotations.OfType<ContainerMountAnnotation>().ToList();
        mounts.ShouldContain(m => m.Target == "/etc/grafana/provisioning" && m.IsReadOnly
                                  && m.Source!.EndsWith(Path.Combine("monitoring", "grafana", "provisioning")));
        mounts.ShouldContain(m => m.Target == "/etc/grafana/dashboards" && m.IsReadOnly
                                  && m.Source!.EndsWith(Path.Combine("monitoring", "grafana", "dashboards")));
        mounts.ShouldContain(m => m.Type == ContainerMountType.Volume && m.Source == GrafanaHostingExtensions.DataVolumeName);
        grafana.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(3000);

        var environment = await ModelValues.EnvironmentAsync(grafana);
        environment["GF_SECURITY_ADMIN_USER"].ShouldBe("admin");
        environment["GF_SECURITY_ADMIN_PASSWORD"].ShouldBe("{grafana-admin-password.value}");
        environment["PROMETHEUS_URL"].ShouldBe("{prometheus.bindings.http.url}");
        environment["JAEGER_URL"].ShouldBe("{jaeger.bindings.http.url}");
        environment["TRACSEQ_DASHBOARDS_DIR"].ShouldBe("/etc/grafana/dashboards");
        environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"].ShouldBe("/etc/grafana/dashboards/tracseq-overview.json");

        var password = (await ModelValues.RawEnvironmentAsync(grafana))["GF_SECURITY_ADMIN_PASSWORD"];
        var parameter = password.ShouldBeOfType<ParameterResource>();
        parameter.Secret.ShouldBeTrue();
        var value = await parameter.GetValueAsync(CancellationToken.None);
        value.ShouldNotBeNullOrWhiteSpace();
        value.ShouldNotBe("admin");
        value!.Length.ShouldBeGreaterThanOrEqualTo(16);
    }

    [Fact]
    public async Task Jaeger_receives_OTLP_and_every_service_sends_its_traces_there()
    {
        var jaeger = Resource<ContainerResource>("jaeger");

        jaeger.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe($"{JaegerHostingExtensions.Image}:{JaegerHostingExtensions.ImageTag}");
        jaeger.Annotations.OfType<ContainerMountAnnotation>()
            .ShouldContain(m => m.Source!.EndsWith(Path.Combine("monitoring", "jaeger", "jaeger.yaml")) && m.IsReadOnly);
        jaeger.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(16686);
        jaeger.GetEndpoint(JaegerHostingExtensions.OtlpGrpcEndpointName).EndpointAnnotation.TargetPort.ShouldBe(4317);
        foreach (var service in new[] { "gateway", "auth", "samples", "templates", "sequencing", "web" })
        {
            var environment = await ModelValues.EnvironmentAsync(Resource<ProjectResource>(service));
            environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].ShouldBe("{jaeger.bindings.otlp-grpc.url}", service);
            environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"].ShouldBe("grpc", service);
        }
    }

    [Fact]
    public void The_ELK_profile_is_off_unless_asked_for()
    {
        _builder.Resources.ShouldNotContain(r => r.Name == "elasticsearch" || r.Name == "kibana" || r.Name == "log-shipper");
    }

    [Fact]
    public async Task The_ELK_profile_runs_Elasticsearch_Kibana_and_a_log_shipper_with_generated_passwords()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=containers", "--TracSeq:Elk=true", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), "tracseq-model")}"]);
        ContainerResource Container(string name) => builder.Resources.OfType<ContainerResource>().Single(r => r.Name == name);

        var elasticsearch = Container("elasticsearch");
        elasticsearch.TryGetContainerImageName(out var image).ShouldBeTrue();
        image.ShouldBe($"{ElkHostingExtensions.ElasticsearchImage}:{ElkHostingExtensions.ElasticTag}");
        elasticsearch.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(9200);
        var es = await ModelValues.EnvironmentAsync(elasticsearch);
        es["ELASTIC_PASSWORD"].ShouldBe("{elasticsearch-password.value}");
        es["xpack.security.enabled"].ShouldBe("true");

        var kibana = Container("kibana");
        kibana.GetEndpoint("http").EndpointAnnotation.TargetPort.ShouldBe(5601);
        var kb = await ModelValues.EnvironmentAsync(kibana);
        kb["ELASTICSEARCH_HOSTS"].ShouldBe("{elasticsearch.bindings.http.url}");
        kb["ELASTICSEARCH_USERNAME"].ShouldBe("kibana_system");
        kb["ELASTICSEARCH_PASSWORD"].ShouldBe("{kibana-system-password.value}");

        var shipper = Container("log-shipper");
        shipper.Annotations.OfType<ContainerMountAnnotation>()
            .ShouldContain(m => m.Source!.EndsWith(Path.Combine("monitoring", "otel-collector", "elk-logs.yaml")) && m.IsReadOnly);
        var samples = await ModelValues.EnvironmentAsync(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "samples"));
        samples["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"].ShouldBe("{log-shipper.bindings.otlp-grpc.url}");
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("cache")]
    [InlineData("prometheus")]
    [InlineData("alertmanager")]
    [InlineData("node-exporter")]
    [InlineData("postgres-exporter")]
    [InlineData("redis-exporter")]
    [InlineData("grafana")]
    [InlineData("jaeger")]
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
    [InlineData("sequencing", "sequencingdb")]
    public void Each_service_references_its_database_and_the_cache(string service, string database)
    {
        var project = Resource<ProjectResource>(service);
        var references = project.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference").Select(r => r.Resource.Name).ToList();

        references.ShouldContain(database);
        references.ShouldContain("cache");
    }
}
