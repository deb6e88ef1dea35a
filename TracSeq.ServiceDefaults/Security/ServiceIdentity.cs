using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// Who is calling, for service-to-service routes (<c>/internal/…</c>). A user's token says which user a call is for,
/// not which TracSeq service sends it, so such routes also require a <see cref="ServiceSignature"/>: signed with the
/// calling service's own key, bound to this one request (method, path and query, body) and to the called service,
/// fresh within <see cref="ServiceSignature.MaxAge"/> and used once (nonces remembered in Redis). A route names the
/// services allowed to call it (<see cref="RequireServiceIdentity{TBuilder}"/>); a service holds its own key and the
/// keys of the services that may call it, under <see cref="KeysSection"/><c>:{name}</c> (AppHost parameters
/// <c>service-key-{name}</c>, Kubernetes secret <c>tracseq-service-keys</c>). A caller signs with
/// <see cref="AddServiceIdentity"/> on its HttpClient.
/// </summary>
public static class ServiceIdentity
{
    public const string HeaderName = ServiceSignature.HeaderName;
    public const string KeysSection = "TracSeq:ServiceKeys";

    /// <summary>The web front end's name (it signs the browser's address for the gateway, nothing else).</summary>
    public const string WebFrontEnd = "web";

    /// <summary>Which services' signed client address this service believes (<c>TracSeq:ClientAddressFrom</c>).</summary>
    public const string ClientAddressFromKey = "TracSeq:ClientAddressFrom";

    /// <summary>A request option naming the client address the <see cref="AddServiceIdentity"/> handler signs along.</summary>
    public static readonly HttpRequestOptionsKey<IPAddress> ClientAddress = new("tracseq-client-address");

    /// <summary>This service's name: its assembly's <c>TracSeq.{Name}</c>, lowercased (samples, templates, …).</summary>
    public static string NameOf(IHostEnvironment environment) =>
        environment.ApplicationName.StartsWith("TracSeq.", StringComparison.Ordinal)
            ? environment.ApplicationName["TracSeq.".Length..].ToLowerInvariant()
            : environment.ApplicationName.ToLowerInvariant();

    public static string? KeyOf(IConfiguration configuration, string service) =>
        configuration[$"{KeysSection}:{service}"] is { Length: > 0 } key ? key : null;

    /// <summary>
    /// Refuses the route (403 problem) unless the request carries a valid signature of one of the named callers
    /// (checked by <see cref="UseServiceIdentity"/>, after authentication and authorization).
    /// </summary>
    public static TBuilder RequireServiceIdentity<TBuilder>(this TBuilder builder, string caller, params string[] moreCallers)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedCallers([caller, .. moreCallers]));

    /// <summary>The services a route accepts, as <see cref="RequireServiceIdentity{TBuilder}"/> named them.</summary>
    public sealed record AllowedCallers(IReadOnlyList<string> Names);

    /// <summary>The verified caller of this request, for handlers that want to know (null on public routes).</summary>
    public static string? CallerOf(HttpContext http) => http.Items[typeof(AllowedCallers)] as string;

    public static WebApplication UseServiceIdentity(this WebApplication app)
    {
        var audience = NameOf(app.Environment);
        var nonces = new ServiceNonces(app.Services);
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<AllowedCallers>() is not { } allowed)
            {
                await next(http);
                return;
            }
            var why = await WhyRefusedAsync(http, allowed, audience, nonces);
            if (why is not null)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceIdentity))
                    .LogWarning("Service identity refused on {Path}: {Reason}", http.Request.Path, why);
                await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                    title: "This route is for TracSeq services only.",
                    detail: "Call it through the service that owns it, not directly.").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        return app;
    }

    private static async Task<string?> WhyRefusedAsync(HttpContext http, AllowedCallers allowed, string audience, ServiceNonces nonces)
    {
        if (ServiceSignature.Parse(http.Request.Headers[HeaderName]) is not { } claimed)
        {
            return "no well-formed signature";
        }
        if (!allowed.Names.Contains(claimed.Caller))
        {
            return $"{claimed.Caller} may not call this route";
        }
        if (KeyOf(http.RequestServices.GetRequiredService<IConfiguration>(), claimed.Caller) is not { } key)
        {
            return $"{KeysSection}:{claimed.Caller} is not set";
        }
        var bodyHash = await HashBodyAsync(http.Request);
        var now = TimeProvider.System.GetUtcNow();
        var signed = Targets(http).Any(target => ServiceSignature.Verify(claimed, key, audience, now, http.Request.Method, target, bodyHash));
        if (!signed)
        {
            return "signature, audience or time does not match";
        }
        if (!await nonces.FirstUseAsync(audience, claimed.Caller, claimed.Nonce))
        {
            return "nonce already used (a replay)";
        }
        http.Items[typeof(AllowedCallers)] = claimed.Caller;
        return null;
    }

    /// <summary>The request target as sent (raw) and as routed (decoded, re-encoded): either is the same request.</summary>
    private static IEnumerable<string> Targets(HttpContext http)
    {
        if (http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw)
        {
            yield return raw;
        }
        yield return (http.Request.PathBase + http.Request.Path).ToUriComponent() + http.Request.QueryString.ToUriComponent();
    }

    /// <summary>The body's SHA-256, read once and rewound for the endpoint (bounded by the route's body limit).</summary>
    private static async Task<string> HashBodyAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>
    /// The client's address as a service this one trusts signed it (<see cref="ClientAddressFromKey"/>: the gateway
    /// believes the web front end, Auth believes the gateway). Runs first; the header is always removed, believed or not,
    /// and a believed address also drops <c>X-Forwarded-For</c> so nothing later applies another.
    /// </summary>
    public static WebApplication UseSignedClientAddress(this WebApplication app)
    {
        var signers = app.Configuration.GetSection(ClientAddressFromKey).Get<string[]>() ?? [];
        var audience = NameOf(app.Environment);
        app.Use((http, next) =>
        {
            var headers = http.Request.Headers;
            if (!headers.TryGetValue(ServiceSignature.ClientAddressHeader, out var value))
            {
                return next(http);
            }
            headers.Remove(ServiceSignature.ClientAddressHeader);
            if (ServiceSignature.ParseClientAddress(value) is { } claimed && signers.Contains(claimed.Signer) &&
                KeyOf(app.Configuration, claimed.Signer) is { } key && IPAddress.TryParse(claimed.Address, out var address) &&
                Targets(http).Any(target => ServiceSignature.VerifyClientAddress(
                    claimed, key, audience, TimeProvider.System.GetUtcNow(), http.Request.Method, target)))
            {
                http.Connection.RemoteIpAddress = address;
                headers.Remove("X-Forwarded-For");
            }
            return next(http);
        });
        return app;
    }

    /// <summary>
    /// Signs every request of the client as <paramref name="caller"/> for the service the client calls: the first label
    /// of its base address's host (<c>http://samples</c> → samples) unless <paramref name="audience"/> names it. Add it
    /// after any retry handler, so each attempt is signed afresh (a nonce is good once). A request carrying the option
    /// <see cref="ClientAddress"/> also gets that address signed (<see cref="ServiceSignature.ClientAddressHeader"/>).
    /// </summary>
    public static IHttpClientBuilder AddServiceIdentity(this IHttpClientBuilder client, string caller, string? audience = null)
    {
        var name = client.Name;
        return client.AddHttpMessageHandler(services => new Handler(caller,
            audience ?? AudienceOf(services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(name)),
            services.GetRequiredService<IConfiguration>()));
    }

    /// <summary>The service a client is configured to call, from the base address its configuration sets.</summary>
    private static string? AudienceOf(HttpClientFactoryOptions options)
    {
        using var probe = new HttpClient();
        foreach (var configure in options.HttpClientActions)
        {
            configure(probe);
        }
        return probe.BaseAddress?.Host.Split('.')[0].ToLowerInvariant();
    }

    private sealed class Handler(string caller, string? audience, IConfiguration configuration) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove(HeaderName);
            request.Headers.Remove(ServiceSignature.ClientAddressHeader);
            var to = audience ?? request.RequestUri!.Host.Split('.')[0].ToLowerInvariant();
            if (KeyOf(configuration, caller) is { } key)
            {
                var now = TimeProvider.System.GetUtcNow();
                var target = request.RequestUri!.PathAndQuery;
                var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
                request.Headers.Add(HeaderName, ServiceSignature.Create(caller, to, key, now, request.Method.Method, target, body));
                if (request.Options.TryGetValue(ClientAddress, out var address))
                {
                    request.Headers.Add(ServiceSignature.ClientAddressHeader,
                        ServiceSignature.CreateClientAddress(address.ToString(), caller, to, key, now, request.Method.Method, target));
                }
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// Nonces seen within twice the signature's age, in Redis (shared by every replica of this service); while Redis
    /// cannot be asked, in this process's memory, so an outage weakens replay protection to one replica, never refuses.
    /// </summary>
    private sealed class ServiceNonces(IServiceProvider services)
    {
        private static readonly TimeSpan Remember = ServiceSignature.MaxAge * 2;
        private readonly ConcurrentDictionary<string, DateTimeOffset> _local = new(StringComparer.Ordinal);

        public async Task<bool> FirstUseAsync(string audience, string caller, string nonce)
        {
            var key = $"tracseq:{audience}:service-nonce:{caller}:{nonce}";
            if (services.GetService<IConnectionMultiplexer>() is { IsConnected: true } redis)
            {
                try
                {
                    return await redis.GetDatabase().StringSetAsync(key, 1, Remember, When.NotExists);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Counted in memory below.
                }
            }
            var now = TimeProvider.System.GetUtcNow();
            foreach (var (old, at) in _local)
            {
                if (now - at > Remember)
                {
                    _local.TryRemove(old, out _);
                }
            }
            return _local.TryAdd(key, now);
        }
    }
}
