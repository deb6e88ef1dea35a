using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.ServiceDefaults.Telemetry;

/// <summary>
/// The per-request access log (category <c>TracSeq.AccessLog</c>): method, path, route template, status, duration and
/// the signed-in user's id, inside the request's log scope (trace, span and correlation ids).
/// <para>
/// Every request that failed (status 400 or above, or an exception) or was slow is logged; of the others only one in
/// <c>TracSeq:AccessLog:SampleEvery</c> (default 100; 1 logs every request). A line per successful request cost a
/// console write, its JSON formatting and an OTLP log record on every request of the hot path; the request count,
/// rate and duration of all requests are in the HTTP metrics and the traces, so the log keeps what metrics cannot
/// show: which requests failed, for whom, with which ids. Endpoints marked <c>WithHttpLogging(HttpLoggingFields.None)</c>
/// (health, liveness, metrics) are never logged.
/// </para>
/// </summary>
public static partial class AccessLog
{
    public const string SampleEverySetting = "TracSeq:AccessLog:SampleEvery";
    public const string SlowMillisecondsSetting = "TracSeq:AccessLog:SlowMilliseconds";

    public static WebApplication UseTracSeqAccessLog(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TracSeq.AccessLog");
        var sampleEvery = Math.Max(1, app.Configuration.GetValue(SampleEverySetting, 100));
        var slow = TimeSpan.FromMilliseconds(app.Configuration.GetValue(SlowMillisecondsSetting, 500));
        long seen = 0;

        app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information) || IsOptedOut(context))
            {
                await next(context);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            var failed = false;
            try
            {
                await next(context);
            }
            catch
            {
                failed = true;
                throw;
            }
            finally
            {
                var duration = Stopwatch.GetElapsedTime(started);
                var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
                if (status >= 400 || duration >= slow || Interlocked.Increment(ref seen) % sampleEvery == 0)
                {
                    Write(logger, context.Request.Method, context.Request.Path.Value ?? "",
                        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, status,
                        duration.TotalMilliseconds, context.User.FindFirst("sub")?.Value);
                }
            }
        });
        return app;
    }

    private static bool IsOptedOut(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<HttpLoggingAttribute>() is { LoggingFields: HttpLoggingFields.None };

    [LoggerMessage(EventId = 9, Level = LogLevel.Information,
        Message = "{Method} {Path} ({Route}) answered {StatusCode} in {Duration:F1} ms for {UserId}")]
    private static partial void Write(ILogger logger, string method, string path, string? route, int statusCode, double duration, string? userId);
}
