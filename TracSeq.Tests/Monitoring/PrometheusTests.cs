using System.Diagnostics;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Monitoring;

[Collection(AppHostCollection.Name)]
public sealed class PrometheusTests(AppHostFixture fixture)
{
    private static readonly string[] Jobs = ["prometheus", "gateway", "auth", "samples", "templates"];

    [Fact]
    public async Task Every_target_is_scraped_and_up()
    {
        using var client = fixture.CreateClient("prometheus");
        var deadline = DateTime.UtcNow.AddSeconds(30); // the test AppHost scrapes every 2 s
        Dictionary<string, string> health;
        do
        {
            using var targets = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets?state=active"));
            health = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .ToDictionary(t => t.GetProperty("labels").GetProperty("job").GetString()!, t => t.GetProperty("health").GetString()!);
            if (Jobs.All(job => health.GetValueOrDefault(job) == "up"))
            {
                break;
            }
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        foreach (var job in Jobs)
        {
            health.GetValueOrDefault(job).ShouldBe("up", job);
        }
    }

    [Fact]
    public async Task Alert_rules_from_the_rules_folder_are_loaded()
    {
        using var client = fixture.CreateClient("prometheus");

        using var rules = JsonDocument.Parse(await client.GetStringAsync("/api/v1/rules?type=alert"));

        var alerts = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => r.GetProperty("name").GetString())
            .ToList();
        alerts.ShouldContain("TracSeqServiceDown");
    }

    [Fact]
    public async Task The_generated_configuration_passes_promtool()
    {
        var config = Path.Combine(fixture.DataDirectory, "prometheus", "prometheus.yml");

        var (exitCode, output) = await Promtool.RunAsync("check", "config", config);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
    }
}

/// <summary>Rule unit tests need no running server: promtool evaluates them against synthetic series.</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public async Task Every_rule_file_passes_promtool_check_rules()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Monitoring, "prometheus", "rules"), "*.yml");
        files.ShouldNotBeEmpty();

        var (exitCode, output) = await Promtool.RunAsync(["check", "rules", .. files]);

        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task Every_rule_test_passes_promtool_test_rules()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Monitoring, "prometheus", "tests"), "*.yml");
        files.ShouldNotBeEmpty();

        var (exitCode, output) = await Promtool.RunAsync(["test", "rules", .. files]);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
    }
}

public static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepositoryPaths.Monitoring, "prometheus"),
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
