using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Gateway.Security;

/// <summary>
/// Browser-facing protections: CORS for the web front end's origins (<c>Gateway:Cors:Origins</c>, default
/// http://localhost:5173) and the common security headers on every response.
/// </summary>
public static class EdgeHeaders
{
    public static IServiceCollection AddEdgeCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Gateway:Cors:Origins").Get<string[]>() ?? ["http://localhost:5173"];
        return services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("X-Correlation-Id", "ETag", "Location", "Retry-After")));
    }

    /// <summary>The shared headers (<see cref="SecurityHeaders"/>); the docs page needs its own scripts and styles.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.UseSecurityHeaders(context => context.Request.Path.StartsWithSegments("/docs") ? null : SecurityHeaders.ApiPolicy);
}
