using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using TracSeq.ServiceDefaults.Telemetry;

namespace TracSeq.UnitTests.Telemetry;

/// <summary>
/// Trace sampling records a share of the traces, yet every request keeps a trace id: logs, X-Correlation-Id and the
/// audit rows' trace_id rely on it whether or not the request's spans are exported.
/// </summary>
public sealed class TraceSamplingTests
{
    private static IHost Host(string source, string? ratio)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = source,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What Aspire gives every project: the service's own setting must win over it.
            ["OTEL_TRACES_SAMPLER"] = "always_on",
            [TelemetryExtensions.TraceSampleRatioSetting] = ratio,
        });
        builder.AddTracSeqTelemetry();
        var host = builder.Build();
        host.Services.GetRequiredService<TracerProvider>(); // builds the provider, which starts listening
        return host;
    }

    [Fact]
    public void An_unsampled_request_still_has_a_trace_id_and_its_children_carry_it()
    {
        var name = $"tracseq-sampling-{Guid.NewGuid():N}";
        using var host = Host(name, "0");
        using var source = new ActivitySource(name);

        using var root = source.StartActivity("GET /api/samples/{id}", ActivityKind.Server);

        root.ShouldNotBeNull();
        root.Recorded.ShouldBeFalse();
        root.TraceId.ShouldNotBe(default);
        // A call to the next service carries the same trace id, marked unsampled, so the next service follows suit.
        var remote = new ActivityContext(root.TraceId, root.SpanId, ActivityTraceFlags.None, isRemote: true);
        using var downstream = source.StartActivity("POST /api/samples/batch", ActivityKind.Server, remote);
        downstream.ShouldNotBeNull();
        downstream.TraceId.ShouldBe(root.TraceId);
        downstream.Recorded.ShouldBeFalse();
    }

    [Fact]
    public void A_sampled_parent_is_followed_and_a_ratio_of_one_records_everything()
    {
        var name = $"tracseq-sampling-{Guid.NewGuid():N}";
        using (var host = Host(name, "0"))
        using (var source = new ActivitySource(name))
        {
            var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
            using var child = source.StartActivity("GET", ActivityKind.Server, sampledParent);
            child.ShouldNotBeNull();
            child.Recorded.ShouldBeTrue(); // the caller's decision, not this service's ratio
        }
        using (var host = Host(name, "1"))
        using (var source = new ActivitySource(name))
        {
            using var root = source.StartActivity("GET", ActivityKind.Server);
            root.ShouldNotBeNull();
            root.Recorded.ShouldBeTrue();
        }
    }

    [Theory]
    [InlineData(null, TelemetryExtensions.DefaultTraceSampleRatio)]
    [InlineData("0.25", 0.25)]
    public void The_ratio_comes_from_configuration_with_a_default(string? value, double expected) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TelemetryExtensions.TraceSampleRatioSetting] = value })
            .Build().TraceSampleRatio().ShouldBe(expected);

    [Theory]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    public void A_ratio_outside_0_to_1_is_refused(string value) =>
        Should.Throw<InvalidOperationException>(() => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [TelemetryExtensions.TraceSampleRatioSetting] = value })
            .Build().TraceSampleRatio());
}
