using System.Net;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Monitoring;

[Collection(AppHostCollection.Name)]
public sealed class SecurityAlertTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Twenty_failed_sign_ins_raise_LoginFailureBurst_with_the_shipped_rule()
    {
        fixture.IdleAlerts.ShouldNotContain(a => a.StartsWith("LoginFailureBurst", StringComparison.Ordinal));
        var victim = await _auth.CreateUserAsync("research_scientist");

        for (var attempt = 0; attempt < 20; attempt++)
        {
            // Spread over accounts and addresses, as a password sprayer would, so neither lockout nor the per-address
            // limit turns a failure into something else.
            var email = attempt % 2 == 0 ? victim.Email : $"nobody-{attempt}@lab.example.org";
            using var response = await _auth.PostLoginAsync(email, $"guess-{attempt}", AuthApiClient.NewClientIp());
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, (HttpStatusCode)423);
        }

        // The rule's `for` is one minute; Prometheus evaluates every 2 s in the test AppHost.
        using var prometheus = fixture.CreateClient("prometheus");
        var deadline = DateTime.UtcNow.AddSeconds(100);
        JsonElement? alert = null;
        while (alert is null && DateTime.UtcNow < deadline)
        {
            using var alerts = JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/alerts"));
            alert = alerts.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
                .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "LoginFailureBurst"
                            && a.GetProperty("state").GetString() == "firing")
                .Select(a => (JsonElement?)a.Clone()).FirstOrDefault();
            if (alert is null)
            {
                await Task.Delay(2000);
            }
        }

        alert.ShouldNotBeNull("LoginFailureBurst did not fire within 100 s");
        alert.Value.GetProperty("labels").GetProperty("severity").GetString().ShouldBe("warning");
        alert.Value.GetProperty("labels").GetProperty("job").GetString().ShouldBe("auth");
        double.Parse(alert.Value.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(10);
    }
}
