using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.ServiceDefaults.Correlation;

/// <summary>
/// <c>X-Correlation-Id</c>: taken from the request when it is a sane token, otherwise the W3C trace id of the request;
/// put back on the request (so a proxy forwards it), returned on the response, written into the log scope of
/// everything the request logs, and forwarded on every outgoing HttpClient call made while handling it.
/// </summary>
public static class CorrelationIds
{
    public const string HeaderName = "X-Correlation-Id";
    public const string LogScopeKey = "CorrelationId";
    private const int MaxLength = 128;

    public static IServiceCollection AddCorrelationIds(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddTransient<CorrelationIdForwardingHandler>();
        return services;
    }

    public static IHttpClientBuilder AddCorrelationIdForwarding(this IHttpClientBuilder http) =>
        http.AddHttpMessageHandler<CorrelationIdForwardingHandler>();

    public static WebApplication UseCorrelationIds(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TracSeq.Correlation");
        app.Use(async (context, next) =>
        {
            var id = context.Request.Headers[HeaderName].ToString();
            if (!IsAcceptable(id))
            {
                id = Activity.Current?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();
                context.Request.Headers[HeaderName] = id;
            }

            // Set at the last moment: a proxied response may carry the service's copy, which must not be doubled.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[HeaderName] = id;
                return Task.CompletedTask;
            });
            Activity.Current?.SetTag("correlation.id", id);
            using (logger.BeginScope(new CorrelationScope(id)))
            {
                await next(context);
            }
        });
        return app;
    }

    /// <summary>Printable ASCII without spaces, bounded: a header value must not be able to forge log lines.</summary>
    public static bool IsAcceptable(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => c is > ' ' and < '\u007f');

    /// <summary>A log scope that reads "CorrelationId:…" as text and carries the id as a field.</summary>
    private sealed class CorrelationScope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;
        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new(LogScopeKey, id) : throw new ArgumentOutOfRangeException(nameof(index));
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() { yield return this[0]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => $"{LogScopeKey}:{id}";
    }

    private sealed class CorrelationIdForwardingHandler(IHttpContextAccessor accessor) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var id = accessor.HttpContext?.Request.Headers[HeaderName].ToString();
            if (IsAcceptable(id) && !request.Headers.Contains(HeaderName))
            {
                request.Headers.TryAddWithoutValidation(HeaderName, id);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
