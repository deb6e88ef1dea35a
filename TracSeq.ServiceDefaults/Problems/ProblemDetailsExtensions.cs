using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.Correlation;

namespace TracSeq.ServiceDefaults.Problems;

/// <summary>
/// Every error is RFC 9457 <c>application/problem+json</c> with the trace and correlation ids. Unhandled exceptions
/// never carry a stack trace outside Development; one that means "a dependency is down or too slow" is a 503.
/// </summary>
public static class ProblemDetailsExtensions
{
    public static IServiceCollection AddTracSeqProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            context.ProblemDetails.Instance ??= http.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;
            if (http.Request.Headers.TryGetValue(CorrelationIds.HeaderName, out var correlationId))
            {
                context.ProblemDetails.Extensions["correlationId"] = correlationId.ToString();
            }
            if (context.Exception is BadHttpRequestException bad)
            {
                // The framework's message names CLR types and JSON paths: the log gets it, the client a generic detail.
                var (detail, field) = BadRequestBodies.Describe(bad);
                context.ProblemDetails.Detail = detail;
                context.ProblemDetails.Extensions.Remove("exception");
                if (field is not null)
                {
                    context.ProblemDetails.Extensions["field"] = field;
                }
                http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("TracSeq.Problems")
                    .LogInformation(bad, "Request body refused (trace {TraceId})", context.ProblemDetails.Extensions["traceId"]);
            }
            else if (context.Exception is not null && IsDependencyFailure(context.Exception))
            {
                context.ProblemDetails.Title = "A service this request depends on is unavailable.";
                context.ProblemDetails.Detail = "Try again shortly.";
            }
        });
        services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = StatusCodeFor);
        return services;
    }

    private static int StatusCodeFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        _ when IsDependencyFailure(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>PostgreSQL, Redis or a downstream service unreachable, timed out or shed by a resilience policy.</summary>
    public static bool IsDependencyFailure(Exception exception) => exception switch
    {
        DbException db => db.IsTransient || db.InnerException is SocketException or TimeoutException || IsConnectFailure(db),
        RedisException or RedisTimeoutException => true,
        HttpRequestException or TimeoutException or SocketException => true,
        ExecutionRejectedException => true,
        _ => exception.InnerException is { } inner && IsDependencyFailure(inner),
    };

    // Npgsql reports a refused connection as NpgsqlException("Failed to connect to ...") with a SocketException inside.
    private static bool IsConnectFailure(DbException db) => db.InnerException is { } inner && IsDependencyFailure(inner);
}
