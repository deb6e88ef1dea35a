using System.Net;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Foundation;

/// <summary>
/// Routing is proven by following a unique correlation id from the gateway into the access log of the service
/// that must have answered, for every prefix, whether or not that service has an endpoint at the path.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class GatewayRoutingTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    private async Task<HttpClient> SignedInGatewayAsync() => _auth.Client("gateway", (await _auth.LoginAsAdminAsync()).AccessToken);

    [Theory]
    [InlineData("/api/auth/routing-probe", "auth")]
    [InlineData("/api/users/routing-probe", "auth")]
    [InlineData("/api/users", "auth")]
    [InlineData("/api/samples/routing-probe", "samples")]
    [InlineData("/api/storage/routing-probe", "samples")]
    [InlineData("/api/webhooks/routing-probe", "samples")]
    [InlineData("/api/templates/routing-probe", "templates")]
    [InlineData("/api/submissions/routing-probe", "templates")]
    [InlineData("/api/index-kits/routing-probe", "sequencing")]
    [InlineData("/api/libraries/routing-probe", "sequencing")]
    [InlineData("/api/pools/routing-probe", "sequencing")]
    [InlineData("/api/runs/routing-probe", "sequencing")]
    [InlineData("/api/index-checks/routing-probe", "sequencing")]
    [InlineData("/api/qc/routing-probe", "sequencing")]
    [InlineData("/api/qc-thresholds/routing-probe", "sequencing")]
    public async Task Each_prefix_reaches_its_service_with_the_correlation_id(string path, string service)
    {
        using var client = await SignedInGatewayAsync();
        var correlationId = $"route-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Correlation-Id", correlationId);

        using var response = await client.SendAsync(request);

        response.Headers.GetValues("X-Correlation-Id").ShouldBe([correlationId]);
        var line = await fixture.WaitForLogLineAsync(service, correlationId, TimeSpan.FromSeconds(60));
        Assert.Contains(path, line);
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_problem_from_the_gateway()
    {
        using var client = await SignedInGatewayAsync();

        using var response = await client.GetAsync("/api/nowhere");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetInt32().ShouldBe(404);
        body.RootElement.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_correlation_id_is_created_when_the_caller_sends_none()
    {
        using var client = await SignedInGatewayAsync();

        using var response = await client.GetAsync("/api/samples/routing-probe");

        var id = response.Headers.GetValues("X-Correlation-Id").ShouldHaveSingleItem();
        id.ShouldMatch("^[0-9a-f]{32}$"); // the W3C trace id of the request
        var line = await fixture.WaitForLogLineAsync("samples", id, TimeSpan.FromSeconds(60));
        Assert.Contains("/api/samples/routing-probe", line);
    }

    [Fact]
    public async Task A_correlation_id_that_could_forge_log_lines_is_replaced()
    {
        using var client = fixture.CreateClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/samples/routing-probe");
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", "has spaces and \"quotes\"");

        using var response = await client.SendAsync(request);

        response.Headers.GetValues("X-Correlation-Id").ShouldHaveSingleItem().ShouldMatch("^[0-9a-f]{32}$");
    }
}
