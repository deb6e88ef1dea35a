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
    public async Task The_internal_batch_takes_only_a_fresh_unused_signature_of_Templates_for_that_very_request()
    {
        var submissionId = Guid.NewGuid();
        using var scientist = await _lab.AsAsync("lab_administrator", "samples");

        HttpRequestMessage Request(int samples)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch")
            {
                Content = JsonContent.Create(SampleLab.BatchBody(submissionId, samples)),
            };
            request.Headers.Add("Idempotency-Key", submissionId.ToString());
            return request;
        }
        async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? header)
        {
            using (request)
            {
                if (header is not null)
                {
                    request.Headers.Remove(ServiceIdentityHeader.Name);
                    request.Headers.Add(ServiceIdentityHeader.Name, header);
                }
                return await scientist.SendAsync(request);
            }
        }
        async Task<string> SignedAsync(HttpRequestMessage request, string caller = "templates", string audience = "samples", DateTimeOffset? at = null)
        {
            await ServiceIdentityHeader.SignAsync(fixture, request, caller, audience, at);
            return request.Headers.GetValues(ServiceIdentityHeader.Name).Single();
        }

        using var none = await SendAsync(Request(2), null);
        var templatesKey = await ServiceIdentityHeader.KeyAsync(fixture, "templates");
        using var forged = await SendAsync(
            Request(2), $"v2.templates.samples.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{new string('0', 32)}.{new string('A', 64)}");
        var staleRequest = Request(2);
        using var stale = await SendAsync(staleRequest, await SignedAsync(staleRequest, at: DateTimeOffset.UtcNow.AddMinutes(-5)));
        var wrongCallerRequest = Request(2); // Sequencing holds a real key, but only Templates commits submissions
        using var wrongCaller = await SendAsync(wrongCallerRequest, await SignedAsync(wrongCallerRequest, caller: "sequencing"));
        var wrongAudienceRequest = Request(2); // signed for another service
        using var wrongAudience = await SendAsync(wrongAudienceRequest, await SignedAsync(wrongAudienceRequest, audience: "sequencing"));
        // A signature captured from one request does not carry another body (here: four samples instead of two).
        var captured = await SignedAsync(Request(2));
        using var otherBody = await SendAsync(Request(4), captured);
        using var otherPath = await SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/internal/samples/run-status") { Content = JsonContent.Create(SampleLab.BatchBody(submissionId, 2)) },
            captured);

        foreach (var refused in new[] { none, forged, stale, wrongCaller, wrongAudience, otherBody, otherPath })
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        templatesKey.ShouldNotBe(await ServiceIdentityHeader.KeyAsync(fixture, "sequencing")); // a key per service
        (await SamplesOfAsync(submissionId)).ShouldBe(0);

        var genuineRequest = Request(2);
        var genuineHeader = await SignedAsync(genuineRequest);
        using var genuine = await SendAsync(genuineRequest, null);
        genuine.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SamplesOfAsync(submissionId)).ShouldBe(2);

        // The same request, header and all, sent again (a replay within the minute): refused, not answered as a retry.
        using var replay = await SendAsync(Request(2), genuineHeader);
        replay.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<long> SamplesOfAsync(Guid submissionId)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM samples WHERE submission_id = $1", db)
        {
            Parameters = { new() { Value = submissionId } },
        };
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
