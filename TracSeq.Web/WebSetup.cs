using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Http.Resilience;
using StackExchange.Redis;
using TracSeq.Web.Api;
using TracSeq.Web.Security;
using TracSeq.Web.Session;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Web;

/// <summary>How the web server is put together: sessions (cookie + Redis), the gateway clients, its own endpoints.</summary>
public static class WebSetup
{
    /// <summary>Where the gateway is: the service-discovery name the AppHost gives it.</summary>
    public const string GatewayAddress = "http://gateway";

    /// <summary>Whether the session and antiforgery cookies are Secure (<c>Web:SecureCookies</c>, default true).</summary>
    public const string SecureCookiesKey = "Web:SecureCookies";

    /// <summary>
    /// Secure unless configured off: behind a TLS ingress the browser only ever speaks HTTPS, whatever scheme reaches
    /// the web server. Only plain-HTTP local development (the AppHost, on http://localhost:5173) turns it off.
    /// </summary>
    public static CookieSecurePolicy CookiePolicy(IConfiguration configuration) =>
        configuration.GetValue(SecureCookiesKey, true) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    /// <summary>
    /// The browser gets one HttpOnly, SameSite=Lax, Secure cookie holding an encrypted session id; the tokens stay in
    /// Redis, encrypted with Data Protection. The Data Protection keys live in Redis as well, so any replica reads a
    /// cookie another one wrote, each key encrypted with <see cref="KeyRingProtection"/>.
    /// </summary>
    public static void AddWebSessions(this WebApplicationBuilder builder)
    {
        var ringKey = KeyRingProtection.KeyFrom(builder.Configuration);
        builder.Services.AddDataProtection().SetApplicationName("TracSeq.Web");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
        {
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "tracseq:web:data-protection-keys");
            options.XmlEncryptor = new KeyRingProtection.Encryptor(ringKey);
        });
        var cookiePolicy = CookiePolicy(builder.Configuration);
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = cookiePolicy);

        builder.Services.AddSingleton<ISessionStore, RedisSessionStore>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionTokens>();
        builder.Services.AddScoped<UserSession>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = SessionClaims.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = cookiePolicy;
            o.ExpireTimeSpan = RedisSessionStore.Lifetime;
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/forbidden";
            o.Events.OnValidatePrincipal = EndRevokedSessionAsync;
            o.Events.OnRedirectToLogin = RedirectToLogin;
        });
    }

    /// <summary>A cookie whose session is gone from Redis (signed out, revoked, expired) no longer signs anyone in.</summary>
    private static async Task EndRevokedSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirst(SessionClaims.SessionId)?.Value;
        var store = context.HttpContext.RequestServices.GetRequiredService<ISessionStore>();
        if (sessionId is null || await store.GetAsync(sessionId) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Someone who still holds a session cookie and is sent to sign in had a session that ended: say so.</summary>
    private static Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        var target = context.RedirectUri;
        if (context.Request.Cookies.ContainsKey(SessionClaims.CookieName))
        {
            target += (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "ended=1";
        }
        context.Response.Redirect(target);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Two clients of the gateway: <see cref="AuthGateway"/> (sign-in, refresh, sign-out; no session token) and
    /// <see cref="GatewayClient"/> (everything else, as the user). Retries only for safe methods, so a POST is never
    /// sent twice behind the user's back (creating samples also carries an Idempotency-Key).
    /// </summary>
    // RemoveAllResilienceHandlers is marked experimental; it is the documented way to replace the standard handler
    // that ServiceDefaults puts on every client, which would otherwise retry POSTs.
#pragma warning disable EXTEXP0001
    public static void AddGatewayClients(this WebApplicationBuilder builder)
    {
        var gateway = new Uri(builder.Configuration["Web:GatewayUrl"] ?? GatewayAddress);
        builder.Services.AddScoped<ApiStatus>();
        builder.Services.AddTransient<BearerTokenHandler>();
        builder.Services.AddHttpClient<AuthGateway>(c => c.BaseAddress = gateway)
            .RemoveAllResilienceHandlers()
            .AddServiceIdentity(ServiceIdentity.WebFrontEnd, "gateway") // signs the browser's address for the gateway
            .AddStandardResilienceHandler(o => o.Retry.DisableForUnsafeHttpMethods());
        builder.Services.AddSingleton<ITokenRefresher, RefreshThroughGateway>();
        builder.Services.AddHttpClient<GatewayClient>(c => c.BaseAddress = gateway)
            .AddHttpMessageHandler<BearerTokenHandler>()
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.DisableForUnsafeHttpMethods();
                // Submissions of big sheets take a while at Templates (its route allows two minutes).
                o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(2);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(3);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(5);
            });
        builder.Services.Configure<WebLinks>(builder.Configuration.GetSection("Web:Links"));
    }
#pragma warning restore EXTEXP0001
}

/// <summary>The refresher <see cref="SessionTokens"/> (a singleton) uses: a fresh typed client per refresh.</summary>
internal sealed class RefreshThroughGateway(IServiceProvider services) : ITokenRefresher
{
    public Task<(RefreshOutcome Outcome, WebSession? Session)> RefreshAsync(WebSession current, CancellationToken ct) =>
        services.GetRequiredService<AuthGateway>().RefreshAsync(current, ct);
}

/// <summary>Where the links in the menu go: the API docs for everyone, monitoring for administrators.</summary>
public sealed class WebLinks
{
    public string ApiDocs { get; set; } = "http://localhost:8000/docs";
    public string Grafana { get; set; } = "http://localhost:3000";
    public string AspireDashboard { get; set; } = "http://localhost:15080";
}
