using Microsoft.Extensions.Hosting;

namespace TracSeq.ServiceDefaults.Data;

/// <summary>The shared Redis ("cache"): sample read cache, revoked-token list, shared rate-limit counters.</summary>
public static class ServiceCache
{
    public const string ConnectionName = "cache";

    /// <summary>A multiplexer that reconnects by itself and a readiness check; Redis being down never stops start-up.</summary>
    public static IHostApplicationBuilder AddServiceCache(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ConnectionName,
            // No client span per Redis command: every cached read, token check and rate-limit count is a Redis round
            // trip, and a span for each was a measurable share of a cached read's CPU (BENCHMARKS.md, scenario 3).
            // The commands stay visible as a whole in the Redis dashboard and in the server span's duration.
            configureSettings: settings => settings.DisableTracing = true,
            configureOptions: o =>
        {
            o.AbortOnConnectFail = false;
            // A Redis that hangs must cost a request a second at most, not the client's default five.
            o.ConnectTimeout = 2000;
            o.SyncTimeout = 1000;
            o.AsyncTimeout = 1000;
            // While Redis is unreachable, fail a command at once instead of queueing it until the timeout: every user
            // of this cache (deny list, sample cache) falls back immediately, so an outage costs no request a second.
            o.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast;
            // Complete Redis replies on the .NET thread pool instead of the client's own dedicated threads, which on a
            // small machine compete with the pool for the same cores (spinning, futex waits, context switches).
            o.SocketManager = StackExchange.Redis.SocketManager.ThreadPool;
        });
        return builder;
    }
}
