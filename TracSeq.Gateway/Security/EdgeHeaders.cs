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

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            // The API answers data, never pages, except the docs page, which needs its own scripts and styles.
            if (!context.Request.Path.StartsWithSegments("/docs"))
            {
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            }
            return Task.CompletedTask;
        });
        return next(context);
    });
}
