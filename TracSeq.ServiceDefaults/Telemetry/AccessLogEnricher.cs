using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Routing;

namespace TracSeq.ServiceDefaults.Telemetry;

/// <summary>
/// Adds the route template and the signed-in user's id to each request's access-log line; trace and correlation ids
/// come with the log scope.
/// </summary>
public sealed class AccessLogEnricher : IHttpLoggingInterceptor
{
    public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext) => ValueTask.CompletedTask;

    public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext)
    {
        var http = logContext.HttpContext;
        if (http.GetEndpoint() is RouteEndpoint endpoint)
        {
            logContext.AddParameter("Route", endpoint.RoutePattern.RawText);
        }
        if (http.User.FindFirst("sub")?.Value is { } userId)
        {
            logContext.AddParameter("UserId", userId);
        }
        return ValueTask.CompletedTask;
    }
}
