using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Who a service believes about the client, how much it reads, and where it shows its metrics.
/// </summary>
public static class EdgeTrustExtensions
{
    /// <summary>Largest request body any service reads (Kestrel); endpoints that take files raise it themselves.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// <c>X-Forwarded-For/-Proto/-Host</c> are believed only from the proxies in <c>ForwardedHeaders:KnownProxies</c>
    /// (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR), and from loopback unless
    /// <c>ForwardedHeaders:TrustLoopback</c> is false. The services trust loopback (the gateway calls them there); the
    /// gateway does not, since under <c>dotnet run</c> every client reaches it from loopback through Aspire's proxy, and
    /// trusting that would let any client choose the address its rate limits key on.
    /// </summary>
    public static IServiceCollection AddTracSeqForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        var trustLoopback = section.GetValue("TrustLoopback", true);
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            if (!trustLoopback)
            {
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
            }
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
    }

    /// <summary>
    /// A body limit on every service, not only at the gateway (a service reached directly must not read without end):
    /// <c>TracSeq:MaxRequestBodyBytes</c>, default 1 MiB; an endpoint may allow more with <c>RequestSizeLimit</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTracSeqRequestLimits(this IHostApplicationBuilder builder)
    {
        var limit = builder.Configuration.GetValue("TracSeq:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = limit);
        return builder;
    }

    /// <summary>
    /// With <c>TracSeq:MetricsPort</c> set (the gateway: the AppHost gives it a separate "metrics" endpoint that only
    /// Prometheus is told about), <c>/metrics</c> answers only on that port: 404 on the public one.
    /// </summary>
    public static WebApplication UseMetricsPortOnly(this WebApplication app)
    {
        if (app.Configuration.GetValue<int?>("TracSeq:MetricsPort") is not { } port)
        {
            return app;
        }
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/metrics") && http.Connection.LocalPort != port)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(http);
        });
        return app;
    }
}
