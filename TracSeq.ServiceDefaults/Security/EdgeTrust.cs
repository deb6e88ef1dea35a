using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
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
    /// (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR): none by default, in every service. Loopback is not
    /// trusted unless <c>ForwardedHeaders:TrustLoopback</c> is true: under <c>dotnet run</c> every client reaches the
    /// gateway and the web front end from loopback through Aspire's proxy, and trusting that would let any client choose
    /// the address its rate limits key on and its auth events record. Between services the client's address travels
    /// only signed (<see cref="TracSeq.ServiceDefaults.Security.ServiceIdentity.UseSignedClientAddress"/>); on
    /// Kubernetes the gateway and the web front end list the ingress controller's network here.
    /// </summary>
    public static IServiceCollection AddTracSeqForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        var trustLoopback = section.GetValue("TrustLoopback", false);
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Written out in full: ASPNETCORE_FORWARDEDHEADERS_ENABLED (which hosts such as Aspire set) empties both lists
            // before this runs, and empty lists make the middleware believe every sender.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list is still consulted
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            if (trustLoopback)
            {
                o.KnownProxies.Add(IPAddress.IPv6Loopback);
                o.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.Loopback, 8));
            }
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            if (o.KnownProxies.Count == 0 && o.KnownIPNetworks.Count == 0)
            {
                o.ForwardedHeaders = ForwardedHeaders.None; // nobody to believe: the connection's own address counts
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
    /// A body declared larger than the endpoint accepts (its <c>RequestSizeLimit</c>, else <c>TracSeq:MaxRequestBodyBytes</c>)
    /// is read to its end and dropped (up to <see cref="MaxDrainedBytes"/>), then answered 413 with a problem: answering
    /// while the client is still sending would reset the connection and the client would see no answer at all.
    /// </summary>
    public static WebApplication UseRequestBodyLimitAnswers(this WebApplication app)
    {
        var configured = app.Configuration.GetValue("TracSeq:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        app.Use(async (http, next) =>
        {
            var endpoint = http.GetEndpoint();
            if (endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is null)
            {
                // No such route, or one that reads no body (a 405, a proxy route): answered as ever, with room for
                // Kestrel to drain the body after that answer.
                if (http.Request.ContentLength is null or <= MaxDrainedBytes
                    && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } drain)
                {
                    drain.MaxRequestBodySize = MaxDrainedBytes;
                }
                await next(http);
                return;
            }
            var limit = endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? configured;
            if (http.Request.ContentLength is not { } length || length <= limit)
            {
                await next(http);
                return;
            }
            if (length <= MaxDrainedBytes && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = MaxDrainedBytes;
                await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
            }
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
            {
                HttpContext = http,
                ProblemDetails = { Status = 413, Title = $"The request body is larger than the {limit} bytes this endpoint accepts." },
            });
        });
        return app;
    }

    /// <summary>Read and dropped to answer an oversize body cleanly; past this the connection is simply closed.</summary>
    public const long MaxDrainedBytes = 64L * 1024 * 1024;

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
