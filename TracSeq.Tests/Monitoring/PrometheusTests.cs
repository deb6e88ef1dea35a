using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using TracSeq.AppHost.Hosting.Prometheus;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Monitoring;

[Collection(AppHostCollection.Name)]
public sealed class PrometheusTests(AppHostFixture fixture)
{
    /// <summary>The jobs of the public contract (docs/operations.md).</summary>
    public static readonly string[] Jobs =
    [
        "gateway", "auth", "samples", "templates", "sequencing", "web",
        "postgres-exporter", "redis-exporter", "node-exporter", "prometheus", "alertmanager",
    ];

    [Fact]
    public async Task Every_job_of_the_contract_is_scraped_and_up()
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
        health.Keys.ShouldBe(Jobs, ignoreOrder: true);
    }

    [Fact]
    public async Task The_exporters_reach_PostgreSQL_and_Redis()
    {
        using var client = fixture.CreateClient("prometheus");

        // The exporters answer even when their server is gone; these say whether they are connected.
        foreach (var connected in new[] { "pg_up", "redis_up" })
        {
            var result = await WaitForValueAsync(client, connected);
            result.ShouldBe("1", connected);
        }
    }

    [Fact]
    public async Task Every_alert_is_loaded_and_none_fires_on_the_idle_stack()
    {
        using var client = fixture.CreateClient("prometheus");

        using var rules = JsonDocument.Parse(await client.GetStringAsync("/api/v1/rules?type=alert"));
        var loaded = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .ToList();
        var alerts = loaded.ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("state").GetString());

        alerts.Keys.ShouldBe(
        [
            "TracSeqServiceDown", "TracSeqHighErrorRate", "TracSeqHighLatency", "MonitoringTargetDown",
            "LoginFailureBurst", "SubmissionRejectionsHigh", "RunFailed", "PostgresDown", "PostgresTooManyConnections",
            "RedisDown", "RedisMemoryHigh", "HostHighMemory", "HostDiskAlmostFull", "RunLaneUndeterminedHigh", "WebhookDeliveriesFailing",
            "ProjectProbingBurst",
        ], ignoreOrder: true);
        // Judged on the stack as it stood after start, before tests provoked alerts on purpose: not even pending.
        fixture.IdleAlerts.ShouldBeEmpty();
        foreach (var rule in loaded)
        {
            var name = rule.GetProperty("name").GetString();
            rule.GetProperty("duration").GetDouble().ShouldBeGreaterThan(0, $"{name} needs a `for`");
            rule.GetProperty("labels").GetProperty("severity").GetString().ShouldBeOneOf(["critical", "warning"], name);
            rule.GetProperty("annotations").GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace(name);
            rule.GetProperty("annotations").GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace(name);
        }
    }

    [Fact]
    public async Task Every_metric_the_rules_read_is_one_Prometheus_has()
    {
        using var client = fixture.CreateClient("prometheus");
        await WaitForValueAsync(client, "pg_up");
        using var names = JsonDocument.Parse(await client.GetStringAsync("/api/v1/label/__name__/values"));
        var known = names.RootElement.GetProperty("data").EnumerateArray().Select(n => n.GetString()!).ToHashSet();

        using var rules = JsonDocument.Parse(await client.GetStringAsync("/api/v1/rules?type=alert"));
        var read = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .SelectMany(r => PromQl.MetricNames(r.GetProperty("query").GetString()!))
            .ToHashSet();

        read.ShouldContain("http_request_duration_seconds_bucket");
        read.ShouldContain("pg_settings_max_connections");
        // The business metrics (tracseq_*) come with the auth, samples and templates services' own issues.
        read.Where(name => !name.StartsWith("tracseq_", StringComparison.Ordinal) && !known.Contains(name)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_generated_configuration_passes_promtool()
    {
        var config = Path.Combine(fixture.DataDirectory, "prometheus", "prometheus.yml");

        var (exitCode, output) = await Promtool.RunAsync("check", "config", config);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
    }

    /// <summary>The value of a single-series query, once the first scrapes have produced it.</summary>
    private static async Task<string> WaitForValueAsync(HttpClient prometheus, string expression)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var result = await PromQl.QueryAsync(prometheus, expression);
            if (result.GetArrayLength() == 1 || DateTime.UtcNow > deadline)
            {
                result.GetArrayLength().ShouldBe(1, expression);
                return result[0].GetProperty("value")[1].GetString()!;
            }
            await Task.Delay(500);
        }
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
    public void Every_alert_has_a_rule_test_that_it_stays_quiet_and_one_that_it_fires()
    {
        var rules = string.Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Monitoring, "prometheus", "rules"), "*.yml").Select(File.ReadAllText));
        var tests = string.Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Monitoring, "prometheus", "tests"), "*.yml").Select(File.ReadAllText));
        var alerts = Regex.Matches(rules, @"^\s*- alert: (\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        alerts.Count.ShouldBeGreaterThanOrEqualTo(11);

        foreach (var alert in alerts)
        {
            tests.ShouldMatch($@"alertname: {alert}\s+exp_alerts: \[\]", $"{alert} has no case where it must stay quiet");
            tests.ShouldMatch($@"alertname: {alert}\s+exp_alerts:\s+- exp_labels:(.|\n)+?exp_annotations:", $"{alert} has no case where it must fire");
        }
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

    [Fact]
    public async Task The_outage_override_shortens_only_the_three_outage_alerts_and_still_passes_promtool()
    {
        var shipped = Path.Combine(RepositoryPaths.Monitoring, "prometheus", "rules");
        var folder = Path.Combine(Path.GetTempPath(), $"tracseq-rules-{Guid.NewGuid():N}");
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection([new(OutageAlertRules.Setting, "10s")]).Build();
        try
        {
            var rendered = OutageAlertRules.Prepare(config, shipped, folder);

            var before = Directory.GetFiles(shipped, "*.yml").Order().SelectMany(File.ReadAllLines).ToList();
            var after = Directory.GetFiles(rendered, "*.yml").Order().SelectMany(File.ReadAllLines).ToList();
            after.Count.ShouldBe(before.Count);
            var changed = before.Zip(after).Where(pair => pair.First != pair.Second).ToList();
            changed.Select(pair => (pair.First.Trim(), pair.Second.Trim())).ShouldBe(Enumerable.Repeat(("for: 1m", "for: 10s"), OutageAlertRules.Names.Count));
            var (exitCode, output) = await Promtool.RunAsync(["check", "rules", .. Directory.GetFiles(rendered, "*.yml")]);
            exitCode.ShouldBe(0, output);
            OutageAlertRules.Prepare(new ConfigurationBuilder().Build(), shipped, folder).ShouldBe(shipped);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

public static class Promtool
{
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Tool.RunAsync("promtool", args);
}

public static class Tool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepositoryPaths.Monitoring, "prometheus"),
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + "\n" + await stderr);
    }
}
