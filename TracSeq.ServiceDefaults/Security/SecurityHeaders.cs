using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// The headers every browser-facing answer carries (the gateway's and the web front end's): no MIME sniffing, no
/// framing by another site, no referrer, an isolated window, and a Content-Security-Policy chosen per request.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For answers that are data, never pages (the API).</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// For the web front end's pages: scripts only from the site itself (no inline script, no eval), styles from the
    /// site plus inline style attributes (MudBlazor sets them), the Blazor circuit's WebSocket back to the site, forms
    /// only to the site, and no framing.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void Apply(IHeaderDictionary headers, string? contentSecurityPolicy)
    {
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (contentSecurityPolicy is not null)
        {
            headers.ContentSecurityPolicy = contentSecurityPolicy;
        }
    }

    /// <summary>Adds the headers to every answer; <paramref name="policyFor"/> picks the request's CSP (null: none).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Func<HttpContext, string?> policyFor) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Apply(context.Response.Headers, policyFor(context));
                return Task.CompletedTask;
            });
            return next(context);
        });
}
