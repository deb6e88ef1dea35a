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
        builder.Resources.Single(r => r.Name == "prometheus").ShouldBeOfType<ExecutableResource>();
        builder.Resources.Single(r => r.Name == "samplesdb").ShouldBeOfType<LocalPostgresDatabaseResource>()
            .DatabaseName.ShouldBe("samplesdb");
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
        error.Message.ShouldContain("apt-get install -y postgresql-15 redis-server prometheus");
    }

    [Fact]
    public void Programs_are_found_on_the_search_path()
    {
        var dir = Directory.CreateTempSubdirectory("tracseq-bin-").FullName;
        File.WriteAllText(Path.Combine(dir, "redis-server"), "#!/bin/sh\n");

        new LocalPrograms([dir]).Find(LocalPrograms.Redis).ShouldBe(Path.Combine(dir, "redis-server"));
        new LocalPrograms([dir]).Find(LocalPrograms.Prometheus).ShouldBeNull();
    }

    private static string Flatten(Exception error) =>
        error.InnerException is null ? error.Message : error.Message + " | " + Flatten(error.InnerException);
}
