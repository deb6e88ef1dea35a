using System.Net.Http.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using TracSeq.Web.Api;
using TracSeq.Web.Session;

namespace TracSeq.Web;

/// <summary>The web server's own non-page endpoints: sign-out and downloads streamed from the gateway.</summary>
public static class WebEndpoints
{
    public static void MapWebEndpoints(this WebApplication app)
    {
        app.MapPost("/logout", SignOutAsync).AllowAnonymous().ExcludeFromDescription();
        var downloads = app.MapGroup("/downloads").RequireAuthorization().ExcludeFromDescription();
        downloads.MapGet("/samples.csv", (HttpContext context) =>
            StreamFromGatewayAsync(context, "/api/samples/export" + context.Request.QueryString));
        downloads.MapGet("/templates/{id:guid}/sheet", (HttpContext context, Guid id, string? format) =>
            StreamFromGatewayAsync(context, $"/api/templates/{id}/spreadsheet?format={(format == "xlsx" ? "xlsx" : "csv")}"));
        downloads.MapGet("/runs/{id:guid}/samplesheet", (HttpContext context, Guid id, string? format) =>
            StreamFromGatewayAsync(context, $"/api/runs/{id}/samplesheet?format={(format == "v1" ? "v1" : "v2")}"));
        downloads.MapGet("/runs/{id:guid}/corrected-samplesheet", (HttpContext context, Guid id, string? format) =>
            StreamFromGatewayAsync(context, $"/api/runs/{id}/results/corrected-samplesheet?format={(format == "v1" ? "v1" : "v2")}"));
        MapLabelDownloads(downloads);
        app.MapGet("/scan", ScanAsync).RequireAuthorization().ExcludeFromDescription();
    }

    /// <summary>
    /// Labels and their previews from the gateway: a sample's, a box's, a submission's, or a selection's
    /// (<c>?sampleIds=a,b,…</c>, sent on as <c>POST /api/labels</c>). Only the print options pass through.
    /// </summary>
    private static void MapLabelDownloads(RouteGroupBuilder downloads)
    {
        downloads.MapGet("/labels/samples/{id:guid}", (HttpContext context, Guid id) =>
            StreamFromGatewayAsync(context, $"/api/samples/{id}/label{LabelQuery(context)}"));
        downloads.MapGet("/labels/locations/{id:guid}", (HttpContext context, Guid id) =>
            StreamFromGatewayAsync(context, $"/api/storage/locations/{id}/labels{LabelQuery(context)}"));
        downloads.MapGet("/labels/submissions/{id:guid}", (HttpContext context, Guid id) =>
            StreamFromGatewayAsync(context, $"/api/submissions/{id}/labels{LabelQuery(context)}"));
        downloads.MapGet("/labels", (HttpContext context, string? sampleIds, string? format, string? template, int? copies, int? dpi) =>
        {
            var ids = (sampleIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(id => Guid.TryParse(id, out var guid) ? guid : Guid.Empty).ToList();
            return StreamFromGatewayAsync(context, "/api/labels", JsonContent.Create(new { sampleIds = ids, format, template, copies, dpi }));
        });
    }

    private static string LabelQuery(HttpContext context) => QueryString.Create(
        new[] { "format", "template", "copies", "dpi" }.Where(key => context.Request.Query.ContainsKey(key))
            .Select(key => new KeyValuePair<string, string?>(key, context.Request.Query[key].ToString()))).ToUriComponent();

    /// <summary>
    /// The scan box as a plain form: a scanner fires its barcode and Enter as soon as the page shows, before the
    /// interactive page has taken over, so the browser posts the form here and is sent on to what the barcode names
    /// (or to a search for it when nothing has it exactly).
    /// </summary>
    private static async Task<IResult> ScanAsync(HttpContext context, string? barcode)
    {
        var scanned = (barcode ?? "").Trim().ToUpperInvariant();
        if (scanned.Length is 0 or > 200)
        {
            return Results.Redirect("/");
        }
        var client = context.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(GatewayClient));
        var sessionId = context.User.FindFirst(SessionClaims.SessionId)?.Value;
        var target = await ScanTargets.ResolveAsync(async path =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (sessionId is not null)
            {
                request.Options.Set(GatewayClient.SessionKey, sessionId);
            }
            using var response = await client.SendAsync(request, context.RequestAborted);
            return response.IsSuccessStatusCode
                ? System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(await response.Content.ReadAsStringAsync(context.RequestAborted))
                : null;
        }, scanned);
        return Results.Redirect(target ?? $"/samples?q={Uri.EscapeDataString(scanned)}");
    }

    /// <summary>
    /// "Sign out", a form post with antiforgery (a link or an image on another site cannot sign anyone out): the
    /// session is forgotten here and the cookie cleared first, then its tokens are revoked at Auth, whatever Auth says
    /// or however long it takes (<see cref="AuthGateway.LogoutTimeout"/>).
    /// </summary>
    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, ISessionStore store, AuthGateway auth)
    {
        if (!await IsValidFormAsync(context, antiforgery))
        {
            return Results.BadRequest();
        }
        await EndSessionAsync(context, store, auth, clearCookie: true);
        return Results.Redirect("/login?signedOut=1");
    }

    /// <summary>A malformed body (a broken multipart form) is a bad request, not an error reading it.</summary>
    private static async Task<bool> IsValidFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends the session the request's cookie names, if any: deleted from Redis, the cookie cleared (unless a new
    /// sign-in is about to replace it), then its refresh token revoked at Auth. Used by sign-out and by signing in again.
    /// </summary>
    public static async Task EndSessionAsync(HttpContext context, ISessionStore store, AuthGateway auth, bool clearCookie)
    {
        var session = context.User.FindFirst(SessionClaims.SessionId)?.Value is { } sessionId
            ? await ForgetAsync(store, sessionId)
            : null;
        if (clearCookie)
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        if (session is not null)
        {
            await auth.LogoutAsync(session, context.Connection.RemoteIpAddress, CancellationToken.None);
        }
    }

    private static async Task<WebSession?> ForgetAsync(ISessionStore store, string sessionId)
    {
        var session = await store.GetAsync(sessionId);
        await store.DeleteAsync(sessionId);
        return session;
    }

    /// <summary>
    /// A file from the gateway, streamed through as it arrives (a CSV export of every sample never sits in memory),
    /// with the caller's session token. The browser never talks to the gateway itself.
    /// </summary>
    private static async Task StreamFromGatewayAsync(HttpContext context, string path, HttpContent? body = null)
    {
        var factory = context.RequestServices.GetRequiredService<IHttpClientFactory>();
        var client = factory.CreateClient(nameof(GatewayClient));
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = body };
        if (context.User.FindFirst(SessionClaims.SessionId)?.Value is { } sessionId)
        {
            request.Options.Set(GatewayClient.SessionKey, sessionId);
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("TracSeq is not answering right now; try the download again in a moment.");
            return;
        }
        using (response)
        {
            await CopyAnswerAsync(context, response);
        }
    }

    /// <summary>The gateway's answer as the browser should see it: a sign-in page for an ended session, a message for a problem.</summary>
    private static async Task CopyAnswerAsync(HttpContext context, HttpResponseMessage response)
    {
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            context.Response.Redirect("/login?ended=1");
            return;
        }
        context.Response.StatusCode = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            var problem = Problem.FromJson((int)response.StatusCode, await response.Content.ReadAsStringAsync(context.RequestAborted));
            await context.Response.WriteAsync(new ApiResult<object> { Status = response.StatusCode, Problem = problem }.Message);
            return;
        }
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        if (response.Content.Headers.ContentDisposition is { } disposition)
        {
            context.Response.Headers.ContentDisposition = disposition.ToString();
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
