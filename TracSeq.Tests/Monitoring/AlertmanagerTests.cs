using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.AppHost.Hosting.Alertmanager;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Monitoring;

[Collection(AppHostCollection.Name)]
public sealed class AlertmanagerTests(AppHostFixture fixture)
{
    private string RenderedConfig => Path.Combine(fixture.DataDirectory, "alertmanager", "alertmanager.yml");

    [Fact]
    public async Task Alertmanager_is_healthy_and_sends_to_the_configured_webhook()
    {
        using var client = fixture.CreateClient("alertmanager");

        (await client.GetAsync("/-/healthy")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var status = JsonDocument.Parse(await client.GetStringAsync("/api/v2/status"));
        var config = status.RootElement.GetProperty("config").GetProperty("original").GetString()!;
        config.ShouldContain($"url: {fixture.AlertReceiver.Url}");
        config.ShouldNotContain(AlertmanagerHostingExtensions.WebhookUrlPlaceholder);
    }

    [Fact]
    public async Task The_rendered_configuration_passes_amtool()
    {
        var (exitCode, output) = await Tool.RunAsync("amtool", "check-config", RenderedConfig);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
    }

    [Fact]
    public async Task Prometheus_knows_the_running_Alertmanager()
    {
        using var prometheus = fixture.CreateClient("prometheus");
        using var alertmanager = fixture.CreateClient("alertmanager");

        using var body = JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/alertmanagers"));

        var active = body.RootElement.GetProperty("data").GetProperty("activeAlertmanagers").EnumerateArray()
            .Select(a => new Uri(a.GetProperty("url").GetString()!).Port).ToList();
        active.ShouldBe([alertmanager.BaseAddress!.Port]);
    }

    [Fact]
    public async Task A_critical_alert_inhibits_the_warnings_of_the_same_job_only()
    {
        using var client = fixture.CreateClient("alertmanager");
        var probe = $"InhibitionProbe{Guid.NewGuid():N}"[..24];
        var endsAt = DateTime.UtcNow.AddMinutes(2);
        object Alert(string name, string severity, string job) => new
        {
            labels = new Dictionary<string, string> { ["alertname"] = name, ["severity"] = severity, ["job"] = job, ["probe"] = probe },
            annotations = new Dictionary<string, string> { ["summary"] = "inhibition probe" },
            endsAt,
        };

        using var posted = await client.PostAsJsonAsync("/api/v2/alerts", new[]
        {
            Alert(probe + "Critical", "critical", "probe-a"),
            Alert(probe + "Warning", "warning", "probe-a"),
            Alert(probe + "Warning", "warning", "probe-b"),
        });
        posted.StatusCode.ShouldBe(HttpStatusCode.OK);

        var states = await WaitForAsync(async () =>
        {
            using var alerts = JsonDocument.Parse(await client.GetStringAsync($"/api/v2/alerts?filter=probe%3D%22{probe}%22"));
            var found = alerts.RootElement.EnumerateArray().ToDictionary(
                a => $"{a.GetProperty("labels").GetProperty("severity").GetString()}/{a.GetProperty("labels").GetProperty("job").GetString()}",
                a => a.GetProperty("status").GetProperty("state").GetString()!);
            return found.Count == 3 ? found : null;
        });

        states["critical/probe-a"].ShouldBe("active");
        states["warning/probe-a"].ShouldBe("suppressed");
        states["warning/probe-b"].ShouldBe("active");
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            DateTime.UtcNow.ShouldBeLessThan(deadline, "Alertmanager did not list the probe alerts");
            await Task.Delay(250);
        }
    }
}

/// <summary>The shipped Alertmanager file, rendered as the AppHost renders it, checked by amtool without a server.</summary>
public sealed class AlertmanagerRoutingTests : IAsyncLifetime
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"tracseq-alertmanager-{Guid.NewGuid():N}.yml");

    public async Task InitializeAsync()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Monitoring, "alertmanager", "alertmanager.yml"));
        await File.WriteAllTextAsync(_config,
            AlertmanagerHostingExtensions.Render(template, "https://alerts.example.test/hook", new AlertmanagerTimings(null, null)));
    }

    public Task DisposeAsync()
    {
        File.Delete(_config);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("critical", "tracseq-critical")]
    [InlineData("warning", "tracseq-warning")]
    public async Task Alerts_are_routed_by_severity(string severity, string receiver)
    {
        var (exitCode, output) = await Tool.RunAsync("amtool", "config", "routes", "test", $"--config.file={_config}",
            "alertname=TracSeqServiceDown", "job=samples", $"severity={severity}");

        exitCode.ShouldBe(0, output);
        output.Trim().Split('\n')[0].ShouldBe(receiver);
    }

    [Fact]
    public async Task The_shipped_timings_stand_when_no_test_override_is_set()
    {
        var config = await File.ReadAllTextAsync(_config);

        config.ShouldContain("url: \"https://alerts.example.test/hook\"");
        config.ShouldContain("group_wait: 30s");
        config.ShouldContain("group_interval: 5m");
        var (exitCode, output) = await Tool.RunAsync("amtool", "check-config", _config);
        exitCode.ShouldBe(0, output);
    }

    [Theory]
    [InlineData("alerts.example.test/hook")]
    [InlineData("ftp://alerts.example.test/hook")]
    public void A_webhook_url_that_is_not_http_is_refused_at_start(string url)
    {
        var error = Should.Throw<DistributedApplicationException>(() =>
            AlertmanagerHostingExtensions.Render("url: \"${ALERT_WEBHOOK_URL}\"", url, new AlertmanagerTimings(null, null)));

        error.Message.ShouldContain("alert-webhook-url");
    }
}
