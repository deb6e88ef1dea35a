using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Security;

/// <summary>What the public side shows and what a service accepts when reached directly.</summary>
[Collection(AppHostCollection.Name)]
public sealed class EdgeHardeningTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task The_gateway_serves_no_metrics_on_its_public_port_and_Prometheus_still_scrapes_it()
    {
        using var gateway = fixture.CreateClient("gateway");
        using var publicMetrics = await gateway.GetAsync("/metrics");
        publicMetrics.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await publicMetrics.Content.ReadAsStringAsync()).ShouldNotContain("tracseq_");

        using var prometheus = fixture.CreateClient("prometheus");
        using var targets = System.Text.Json.JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/targets?state=active"));
        var job = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Single(t => t.GetProperty("labels").GetProperty("job").GetString() == "gateway");
        job.GetProperty("health").GetString().ShouldBe("up");
    }

    [Theory]
    [InlineData("samples", "/api/samples")]
    [InlineData("templates", "/api/templates")]
    [InlineData("sequencing", "/api/libraries")]
    public async Task A_two_megabyte_body_sent_straight_to_a_service_is_refused_by_the_service_itself(string service, string path)
    {
        // Each service has its own 1 MiB limit (TracSeq:MaxRequestBodyBytes), so bypassing the gateway buys nothing.
        using var client = await _lab.AsAsync("lab_administrator", service);
        var body = new StringContent($$"""{"name":"{{new string('a', 2 * 1024 * 1024)}}"}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(path, body);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task The_Prometheus_lifecycle_API_is_off()
    {
        using var prometheus = fixture.CreateClient("prometheus");
        using var reload = await prometheus.PostAsync("/-/reload", null);
        using var quit = await prometheus.PutAsync("/-/quit", null);

        reload.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        quit.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await prometheus.GetAsync("/-/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_internal_batch_refuses_a_users_token_without_a_service_identity()
    {
        var submissionId = Guid.NewGuid();
        using var scientist = await _lab.AsAsync("lab_administrator", "samples");

        async Task<HttpResponseMessage> PostAsync(string? identity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch") { Content = JsonContent.Create(SampleLab.BatchBody(submissionId, 2)) };
            request.Headers.Add("Idempotency-Key", submissionId.ToString());
            if (identity is not null)
            {
                request.Headers.Add(ServiceIdentityHeader.Name, identity);
            }
            return await scientist.SendAsync(request);
        }

        using var none = await PostAsync(null);
        using var forged = await PostAsync($"templates.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{new string('A', 64)}");
        using var stale = await PostAsync(await ServiceIdentityHeader.CreateAsync(fixture, at: DateTimeOffset.UtcNow.AddMinutes(-30)));

        none.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        none.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        stale.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await SamplesOfAsync(submissionId)).ShouldBe(0);

        using var genuine = await PostAsync(await ServiceIdentityHeader.CreateAsync(fixture));
        genuine.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SamplesOfAsync(submissionId)).ShouldBe(2);
    }

    private async Task<long> SamplesOfAsync(Guid submissionId)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM samples WHERE submission_id = $1", db) { Parameters = { new() { Value = submissionId } } };
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_page_far_past_the_end_is_a_400_not_an_overflow()
    {
        using var client = await _lab.AsAsync("guest");
        using var response = await client.GetAsync("/api/samples?page=4294969&pageSize=500");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(response)).ShouldBe(["page"]);
    }
}
