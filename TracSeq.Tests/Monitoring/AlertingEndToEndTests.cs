using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Monitoring;

/// <summary>
/// The whole alerting path with the shipped rule: a stopped service is noticed by Prometheus, TracSeqServiceDown
/// fires after its minute, Alertmanager routes it to the critical receiver and posts it to the webhook; started
/// again, the resolution arrives the same way. Only Alertmanager's grouping delays are shortened for the test.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AlertingEndToEndTests(AppHostFixture fixture)
{
    private const string Service = "samples";

    [Fact]
    public async Task A_stopped_service_fires_TracSeqServiceDown_to_the_webhook_and_resolves_when_it_is_back()
    {
        var stoppedAt = DateTimeOffset.UtcNow;
        await fixture.StopResourceAsync(Service);
        try
        {
            // A minute of `for` after the first failed scrape, then Alertmanager's group wait.
            var firing = await fixture.AlertReceiver.WaitForAsync(
                n => IsServiceDown(n, "firing", stoppedAt), TimeSpan.FromSeconds(150), "firing TracSeqServiceDown for samples");

            firing.GetProperty("receiver").GetString().ShouldBe("tracseq-critical");
            var alert = firing.GetProperty("alerts").EnumerateArray().Single(a => Label(a, "job") == Service);
            Label(alert, "severity").ShouldBe("critical");
            alert.GetProperty("annotations").GetProperty("summary").GetString().ShouldBe("TracSeq samples is down");
            (DateTimeOffset.Parse(alert.GetProperty("startsAt").GetString()!) - stoppedAt).ShouldBeGreaterThan(TimeSpan.FromSeconds(55));
            await ShouldBeActiveInAlertmanagerAsync();
        }
        finally
        {
            // Other tests share this AppHost: leave it as they expect it.
            await fixture.StartResourceAsync(Service);
        }

        var resolved = await fixture.AlertReceiver.WaitForAsync(
            n => IsServiceDown(n, "resolved", stoppedAt), TimeSpan.FromSeconds(60), "resolved TracSeqServiceDown for samples");
        resolved.GetProperty("receiver").GetString().ShouldBe("tracseq-critical");
    }

    private async Task ShouldBeActiveInAlertmanagerAsync()
    {
        using var client = fixture.CreateClient("alertmanager");
        using var alerts = JsonDocument.Parse(await client.GetStringAsync(
            "/api/v2/alerts?filter=alertname%3D%22TracSeqServiceDown%22&filter=job%3D%22samples%22"));
        alerts.RootElement.EnumerateArray().ShouldContain(a => a.GetProperty("status").GetProperty("state").GetString() == "active");
    }

    private static bool IsServiceDown(JsonElement notification, string status, DateTimeOffset after) =>
        notification.GetProperty("alerts").EnumerateArray().Any(a =>
            Label(a, "alertname") == "TracSeqServiceDown" && Label(a, "job") == Service &&
            a.GetProperty("status").GetString() == status &&
            DateTimeOffset.Parse(a.GetProperty("startsAt").GetString()!) >= after);

    private static string? Label(JsonElement alert, string name) =>
        alert.GetProperty("labels").TryGetProperty(name, out var value) ? value.GetString() : null;
}
