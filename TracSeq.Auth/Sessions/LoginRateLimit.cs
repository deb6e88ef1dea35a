using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using TracSeq.ServiceDefaults.RateLimiting;

namespace TracSeq.Auth.Sessions;

/// <summary>
/// Sign-in attempts per client IP (after the gateway's X-Forwarded-For), a fixed window per minute: slows a password
/// guesser spread over many accounts, which per-account lockout alone would not (that lockout is counted in
/// PostgreSQL, the window here in Redis: both hold across replicas). The limit is
/// <c>Auth:LoginRateLimit:PermitsPerMinute</c> (default 30: a lab behind one NAT address still signs in at 9 am).
/// </summary>
public static class LoginRateLimit
{
    public const string PolicyName = "login-per-ip";

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue("Auth:LoginRateLimit:PermitsPerMinute", 30);
        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Counted in Redis, so every replica of Auth shares one count per address.
            limiter.AddPolicy(PolicyName, http => SharedRateLimits.FixedWindow(
                http, $"auth:login:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}", permits, TimeSpan.FromMinutes(1)));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter =
                    ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many sign-in attempts from this address; try again later." },
                });
            };
        });
    }
}
