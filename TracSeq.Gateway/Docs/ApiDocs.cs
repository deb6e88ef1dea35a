using Scalar.AspNetCore;

namespace TracSeq.Gateway.Docs;

/// <summary>
/// One page at <c>/docs</c> (Scalar) with the OpenAPI document of every service, each fetched through the gateway
/// at <c>/openapi/{service}.json</c> (routes in appsettings.json), so "try it" calls go through the gateway too.
/// </summary>
public static class ApiDocs
{
    public static IEndpointConventionBuilder MapApiDocs(this IEndpointRouteBuilder app) =>
        app.MapScalarApiReference("/docs", options => options
                .WithTitle("TracSeq API")
                .AddDocument("auth", "Auth: sign-in, accounts", "/openapi/auth.json", isDefault: true)
                .AddDocument("samples", "Samples and storage", "/openapi/samples.json")
                .AddDocument("templates", "Templates and submissions", "/openapi/templates.json")
                .AddDocument("sequencing", "Sequencing: index kits, libraries, pools, runs, QC", "/openapi/sequencing.json")
                .AddPreferredSecuritySchemes("Bearer")
                .DisableTelemetry())
            .AllowAnonymous();
}
