using System.Net;
using System.Text.RegularExpressions;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Foundation;

[Collection(AppHostCollection.Name)]
public sealed class MetricsTests(AppHostFixture fixture)
{
    [Theory]
    [InlineData("auth")]
    [InlineData("samples")]
    [InlineData("templates")]
    [InlineData("sequencing")]
    public async Task Metrics_count_a_request_the_service_served(string service)
    {
        using var client = fixture.CreateClient(service);
        var before = RequestCount(await client.GetStringAsync("/metrics"), "/openapi/{documentName}.json");

        (await client.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = RequestCount(await client.GetStringAsync("/metrics"), "/openapi/{documentName}.json");
        after.ShouldBe(before + 1);
    }

    [Fact]
    public async Task Gateway_metrics_count_proxied_requests_by_route()
    {
        using var client = fixture.CreateClient("gateway");
        using var metrics = MetricsClient.For(fixture, "gateway");
        var before = RequestCount(await metrics.GetStringAsync("/metrics"), "/api/templates/{**rest}");

        await client.GetAsync("/api/templates/metrics-probe");

        var after = RequestCount(await metrics.GetStringAsync("/metrics"), "/api/templates/{**rest}");
        after.ShouldBe(before + 1);
    }

    [Theory]
    [InlineData("auth")]
    [InlineData("gateway")]
    [InlineData("web")]
    public async Task Metrics_include_process_and_dotnet_runtime_figures(string service)
    {
        using var client = MetricsClient.For(fixture, service);
        var metrics = await client.GetStringAsync("/metrics");

        metrics.ShouldContain("process_cpu_seconds_total");
        metrics.ShouldContain("process_working_set_bytes");
        metrics.ShouldContain("dotnet_collection_count_total");
        metrics.ShouldContain("system_runtime_dotnet_gc_heap_total_allocated"); // the System.Runtime meter
        metrics.ShouldContain("system_runtime_dotnet_thread_pool_queue_length");
    }

    /// <summary>Sum of <c>http_request_duration_seconds_count</c> over all series for one endpoint pattern.</summary>
    private static double RequestCount(string metrics, string endpoint)
    {
        var pattern = new Regex(
            $"^http_request_duration_seconds_count\\{{[^}}]*endpoint=\"{Regex.Escape(endpoint)}\"[^}}]*\\}} (\\S+)$", RegexOptions.Multiline);
        return pattern.Matches(metrics).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
