using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Gateway;

[Collection(AppHostCollection.Name)]
public sealed class GatewayAvailabilityTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Health_lists_every_service_and_is_200_when_all_are_healthy()
    {
        using var gateway = _auth.Client("gateway");

        using var response = await gateway.GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");
        foreach (var service in new[] { "auth", "samples", "templates", "sequencing" })
        {
            checks.GetProperty(service).GetProperty("status").GetString().ShouldBe("Healthy", service);
        }
    }

    [Fact]
    public async Task A_stopped_service_answers_503_within_the_route_timeout_and_health_names_it()
    {
        using var gateway = _auth.Client("gateway", (await _auth.LoginAsAdminAsync()).AccessToken);
        gateway.Timeout = TimeSpan.FromSeconds(30);
        await fixture.StopResourceAsync("templates");
        try
        {
            var stopped = Stopwatch.StartNew();
            HttpResponseMessage response;
            var answers = new List<(HttpStatusCode Status, TimeSpan Took)>();
            do
            {
                var request = Stopwatch.StartNew();
                response = await gateway.GetAsync("/api/templates/availability-probe");
                answers.Add((response.StatusCode, request.Elapsed));
            }
            while (response.StatusCode != HttpStatusCode.ServiceUnavailable && stopped.Elapsed < TimeSpan.FromSeconds(30));

            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, string.Join(", ", answers));
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            // Requests already on their way when it stopped may wait for the route timeout (504), never longer.
            answers.ShouldAllBe(a => a.Took < AppHostFixture.TemplatesRouteTimeout + TimeSpan.FromSeconds(2));
            answers.ShouldAllBe(a => a.Status == HttpStatusCode.ServiceUnavailable || a.Status == HttpStatusCode.GatewayTimeout);

            using var health = await gateway.GetAsync("/health");
            health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("checks").GetProperty("templates").GetProperty("status").GetString().ShouldBe("Unhealthy");
            body.RootElement.GetProperty("checks").GetProperty("samples").GetProperty("status").GetString().ShouldBe("Healthy");
        }
        finally
        {
            await fixture.StartResourceAsync("templates");
        }
    }

    [Fact]
    public async Task Docs_list_every_service_document_fetched_through_the_gateway()
    {
        using var gateway = _auth.Client("gateway");

        var page = await gateway.GetStringAsync("/docs/");

        foreach (var service in new[] { "auth", "samples", "templates", "sequencing" })
        {
            page.ShouldContain($"openapi/{service}.json");
            using var document = JsonDocument.Parse(await gateway.GetStringAsync($"/openapi/{service}.json"));
            document.RootElement.GetProperty("info").GetProperty("title").GetString()!.ShouldStartWith("TracSeq.", Case.Sensitive);
            // "Try it" goes through the gateway, not straight to the service.
            document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString()
                .ShouldBe(gateway.BaseAddress!.ToString());
        }
        (await gateway.GetStringAsync("/openapi/auth.json")).ShouldContain("/api/auth/login");
    }

    [Fact]
    public async Task The_access_log_line_carries_route_user_status_duration_and_ids_and_the_trace_continues_in_the_service()
    {
        var admin = await _auth.LoginAsAdminAsync();
        using var gateway = _auth.Client("gateway", admin.AccessToken);

        using var response = await gateway.GetAsync("/api/samples/access-log-probe");

        var correlationId = response.Headers.GetValues("X-Correlation-Id").Single();
        var edge = JsonLine(await fixture.WaitForLogLineAsync("gateway", $"\"CorrelationId\":\"{correlationId}\"", TimeSpan.FromSeconds(60)));
        var state = edge.RootElement.GetProperty("State");
        state.GetProperty("Method").GetString().ShouldBe("GET");
        state.GetProperty("Route").GetString().ShouldBe("/api/samples/{**rest}");
        state.GetProperty("UserId").GetString().ShouldBe(admin.User.Id.ToString());
        state.GetProperty("StatusCode").GetInt32().ShouldBe((int)response.StatusCode);
        state.GetProperty("Duration").GetDouble().ShouldBeGreaterThan(0);
        var edgeTrace = Scope(edge, "TraceId");
        edgeTrace.ShouldBe(correlationId);

        var service = JsonLine(await fixture.WaitForLogLineAsync("samples", $"\"CorrelationId\":\"{correlationId}\"", TimeSpan.FromSeconds(60)));
        Scope(service, "TraceId").ShouldBe(edgeTrace); // one W3C trace across the hop
    }

    /// <summary>A console line as the AppHost keeps it: a timestamp, then the service's JSON log entry.</summary>
    private static JsonDocument JsonLine(string line) => JsonDocument.Parse(line[line.IndexOf('{')..]);

    private static string? Scope(JsonDocument line, string key) =>
        line.RootElement.GetProperty("Scopes").EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(key, out _))
            .Select(s => s.GetProperty(key).GetString()).FirstOrDefault();
}
