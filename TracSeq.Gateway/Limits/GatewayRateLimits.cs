using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Prometheus;
using TracSeq.ServiceDefaults.RateLimiting;

namespace TracSeq.Gateway.Limits;

/// <summary>Requests per minute the gateway lets through (section <c>Gateway:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Per signed-in user (the token's <c>sub</c>), across all routes.</summary>
    public int PerUserPerMinute { get; set; } = 600;

    /// <summary>Per client address for calls without a token (sign-in, refresh, docs).</summary>
    public int AnonymousPerIpPerMinute { get; set; } = 120;

    /// <summary>Per client address for sign-in attempts, on top of the anonymous limit.</summary>
    public int LoginPerIpPerMinute { get; set; } = 10;
}

/// <summary>
/// ASP.NET Core rate limiting at the edge, counted in Redis across the gateway's replicas: a flood from one client is slowed
/// without hurting others. Health, liveness and metrics endpoints are exempt (orchestrators and Prometheus call them all the
/// time). A rejection is a 429 problem with <c>Retry-After</c>, counted in <c>tracseq_gateway_rate_limited_total{policy}</c>.
/// </summary>
public static class GatewayRateLimits
{
    public const string LoginPolicy = "login";

    private static readonly Counter Rejections = Metrics.CreateCounter(
        "tracseq_gateway_rate_limited_total", "Requests the gateway refused with 429, by limit.",
        new CounterConfiguration { LabelNames = ["policy"] });

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("Gateway:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        foreach (var policy in new[] { "user", "anonymous", LoginPolicy })
        {
            Rejections.WithLabels(policy);
        }

        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Every replica of the gateway shares one count per user and per address, taken from Redis in blocks so a
            // request costs no Redis round trip; sign-in attempts are counted in Redis one by one (exact).
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.FindFirst("sub")?.Value is { } user
                    ? SharedRateLimits.Leased(http, $"gateway:user:{user}", limits.PerUserPerMinute, TimeSpan.FromMinutes(1))
                    : SharedRateLimits.Leased(http, $"gateway:ip:{ClientAddress(http)}", limits.AnonymousPerIpPerMinute, TimeSpan.FromMinutes(1)));
            limiter.AddPolicy(LoginPolicy, http =>
                SharedRateLimits.FixedWindow(http, $"gateway:login:{ClientAddress(http)}", limits.LoginPerIpPerMinute, TimeSpan.FromMinutes(1)));
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName
                             ?? (http.User.FindFirst("sub") is null ? "anonymous" : "user");
                Rejections.WithLabels(policy).Inc();
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                {
                    HttpContext = http,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests; slow down and retry later." },
                });
            };
        });
    }

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
