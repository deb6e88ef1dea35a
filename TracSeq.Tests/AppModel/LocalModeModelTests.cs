using TracSeq.AppHost.Hosting;
using TracSeq.AppHost.Hosting.Postgres;
using TracSeq.AppHost.Hosting.Redis;

namespace TracSeq.Tests.AppModel;

public sealed class LocalModeModelTests
{
    [Fact]
    public async Task Local_mode_has_no_container_resource_so_no_runtime_is_needed()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=local", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), "tracseq-model")}"]);

        builder.Resources.OfType<ContainerResource>().ShouldBeEmpty();
        builder.Resources.Single(r => r.Name == "postgres").ShouldBeOfType<LocalPostgresServerResource>();
        builder.Resources.Single(r => r.Name == "cache").ShouldBeOfType<LocalRedisResource>();
        foreach (var name in new[] { "prometheus", "alertmanager", "node-exporter", "postgres-exporter", "redis-exporter" })
        {
            builder.Resources.Single(r => r.Name == name).ShouldBeOfType<ExecutableResource>(name);
        }
        builder.Resources.Single(r => r.Name == "samplesdb").ShouldBeOfType<LocalPostgresDatabaseResource>()
            .DatabaseName.ShouldBe("samplesdb");
    }

    [Fact]
    public async Task Grafana_Jaeger_and_ELK_are_left_out_of_local_mode_where_they_are_not_installed()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=local", "--TracSeq:Elk=true", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), "tracseq-model")}"]);
        var programs = LocalPrograms.FromEnvironment();

        var grafanaInstalled = programs.Find(LocalPrograms.Grafana) is not null || programs.Find(LocalPrograms.GrafanaServer) is not null;
        builder.Resources.Any(r => r.Name == "grafana").ShouldBe(grafanaInstalled);
        builder.Resources.Any(r => r.Name == "jaeger").ShouldBe(programs.Find(LocalPrograms.Jaeger) is not null);
        // The ELK profile is container-only, asked for or not.
        builder.Resources.ShouldNotContain(r => r.Name == "elasticsearch" || r.Name == "kibana" || r.Name == "log-shipper");
    }

    [Fact]
    public async Task Local_exporters_listen_on_loopback_and_Alertmanager_does_not_gossip()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=local", $"--TracSeq:DataDirectory={Path.Combine(Path.GetTempPath(), "tracseq-model")}"]);

        var alertmanager = (ExecutableResource)builder.Resources.Single(r => r.Name == "alertmanager");
        alertmanager.Command.ShouldEndWith("prometheus-alertmanager");
        var args = await ModelValues.ArgumentsAsync(alertmanager);
        args.ShouldContain("--cluster.listen-address=");
        args.ShouldContain(a => a.StartsWith("--web.listen-address=127.0.0.1:", StringComparison.Ordinal));
        foreach (var name in new[] { "node-exporter", "postgres-exporter", "redis-exporter" })
        {
            var exporter = (ExecutableResource)builder.Resources.Single(r => r.Name == name);
            (await ModelValues.ArgumentsAsync(exporter))
                .ShouldContain(a => a.StartsWith("--web.listen-address=127.0.0.1:", StringComparison.Ordinal), name);
        }
    }

    [Fact]
    public async Task An_unknown_mode_is_refused_with_the_accepted_values()
    {
        var error = await Should.ThrowAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
            ["--TracSeq:Infrastructure=kubernetes"]));

        Flatten(error).ShouldContain("'auto', 'local' or 'containers'");
    }

    [Fact]
    public void Missing_programs_are_named_with_the_package_to_install_in_one_message()
    {
        var nowhere = new LocalPrograms([Path.Combine(Path.GetTempPath(), $"empty-{Guid.NewGuid():N}")]);

        var error = Should.Throw<DistributedApplicationException>(() => nowhere.EnsureInstalled(LocalPrograms.Required));

        error.Message.ShouldContain("redis-server (package redis-server)");
        error.Message.ShouldContain("prometheus (package prometheus)");
        error.Message.ShouldContain("postgres (package postgresql-15)");
        error.Message.ShouldContain("prometheus-alertmanager (package prometheus-alertmanager)");
        error.Message.ShouldContain("prometheus-postgres-exporter (package prometheus-postgres-exporter)");
        error.Message.ShouldContain("apt-get install -y postgresql-15 redis-server prometheus prometheus-alertmanager " +
                                    "prometheus-node-exporter prometheus-postgres-exporter prometheus-redis-exporter`");
    }

    [Fact]
    public void Programs_are_found_on_the_search_path()
    {
        var dir = Directory.CreateTempSubdirectory("tracseq-bin-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "redis-server"), "#!/bin/sh\n");

            new LocalPrograms([dir]).Find(LocalPrograms.Redis).ShouldBe(Path.Combine(dir, "redis-server"));
            new LocalPrograms([dir]).Find(LocalPrograms.Prometheus).ShouldBeNull();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Flatten(Exception error) =>
        error.InnerException is null ? error.Message : error.Message + " | " + Flatten(error.InnerException);
}
