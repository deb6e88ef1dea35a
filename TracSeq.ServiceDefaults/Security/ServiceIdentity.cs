using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// Who is calling, for service-to-service routes (<c>/internal/…</c>): a user's token says which user a call is for,
/// not that it comes from a TracSeq service, so such routes also require header <see cref="HeaderName"/>
/// = <c>{caller}.{unix seconds}.{HMAC-SHA256}</c>, signed with the secret every service shares
/// (<c>TracSeq:ServiceSecret</c>, the AppHost's generated secret parameter <c>service-secret</c>) and valid
/// <see cref="MaxAge"/> either way. The secret itself never travels. A caller adds the header with
/// <see cref="AddServiceIdentity"/> on its HttpClient; a route asks for it with <see cref="RequireServiceIdentity{TBuilder}"/>.
/// </summary>
public static class ServiceIdentity
{
    public const string HeaderName = "X-TracSeq-Service";
    public const string SecretKey = "TracSeq:ServiceSecret";
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static string CreateHeader(string caller, string secret, DateTimeOffset now)
    {
        var payload = string.Create(CultureInfo.InvariantCulture, $"{caller}.{now.ToUnixTimeSeconds()}");
        return $"{payload}.{Sign(payload, secret)}";
    }

    /// <summary>The calling service's name when <paramref name="header"/> is a valid, fresh identity; otherwise null.</summary>
    public static string? Verify(string? header, string secret, DateTimeOffset now)
    {
        var parts = header?.Split('.');
        if (parts is not { Length: 3 } || parts[0].Length is 0 or > 64 ||
            !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            Math.Abs(now.ToUnixTimeSeconds() - seconds) > MaxAge.TotalSeconds)
        {
            return null;
        }
        var expected = Encoding.ASCII.GetBytes(Sign($"{parts[0]}.{parts[1]}", secret));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2])) ? parts[0] : null;
    }

    private static string Sign(string payload, string secret) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    /// <summary>Refuses the route (403 problem) unless the request carries a valid service identity.</summary>
    public static TBuilder RequireServiceIdentity<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var secret = http.RequestServices.GetRequiredService<IConfiguration>()[SecretKey];
            if (string.IsNullOrEmpty(secret))
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceIdentity))
                    .LogError("{Key} is not set: service-to-service routes refuse every call", SecretKey);
            }
            var caller = string.IsNullOrEmpty(secret) ? null : Verify(http.Request.Headers[HeaderName], secret, TimeProvider.System.GetUtcNow());
            return caller is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                    title: "This route is for TracSeq services only.", detail: $"Call it through the service that owns it, not directly.")
                : await next(context);
        });

    /// <summary>
    /// The web front end signs people in on their behalf, so every sign-in reaches the gateway from the web server's
    /// address; the client's own address travels in <c>X-Forwarded-For</c>. That header is believed here only when the
    /// request also carries a valid identity of the web front end (a proxy list cannot tell it apart: under
    /// <c>dotnet run</c> every client arrives from loopback). Rate limits and auth events then see the person's address.
    /// Runs before <c>UseForwardedHeaders</c>; the web front end's identity header is not passed on.
    /// </summary>
    public static WebApplication UseForwardedForFromWebFrontEnd(this WebApplication app)
    {
        var secret = app.Configuration[SecretKey];
        if (string.IsNullOrEmpty(secret))
        {
            return app;
        }
        app.Use((http, next) =>
        {
            var headers = http.Request.Headers;
            // Other callers' identities are left for the routes that require them (RequireServiceIdentity).
            if (headers.TryGetValue(HeaderName, out var identity) &&
                Verify(identity, secret, TimeProvider.System.GetUtcNow()) == WebFrontEnd)
            {
                headers.Remove(HeaderName);
                if (System.Net.IPAddress.TryParse(headers["X-Forwarded-For"].ToString().Split(',')[^1].Trim(), out var client))
                {
                    http.Connection.RemoteIpAddress = client;
                    headers.Remove("X-Forwarded-For"); // applied here; nothing later may apply it again
                }
            }
            return next(http);
        });
        return app;
    }

    /// <summary>The web front end's name in its service identity.</summary>
    public const string WebFrontEnd = "web";

    /// <summary>Adds this service's identity (<paramref name="caller"/>) to every request of the client.</summary>
    public static IHttpClientBuilder AddServiceIdentity(this IHttpClientBuilder client, string caller) =>
        client.AddHttpMessageHandler(services => new Handler(caller, services.GetRequiredService<IConfiguration>()));

    private sealed class Handler(string caller, IConfiguration configuration) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Made per attempt, so a retry after minutes still carries a fresh identity.
            if (configuration[SecretKey] is { Length: > 0 } secret)
            {
                request.Headers.Remove(HeaderName);
                request.Headers.Add(HeaderName, CreateHeader(caller, secret, TimeProvider.System.GetUtcNow()));
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
