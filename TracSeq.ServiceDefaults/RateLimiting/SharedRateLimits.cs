using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using RedisRateLimiting;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.Telemetry;

namespace TracSeq.ServiceDefaults.RateLimiting;

/// <summary>
/// Rate-limit partitions counted in the shared Redis ("cache"), so every replica of a service counts against one
/// limit: ten sign-ins a minute means ten, whether one gateway answers or five. While Redis is unreachable each
/// replica counts alone in memory (the limit then holds per replica), logs a warning and counts
/// <c>tracseq_rate_limit_redis_unavailable_total</c>: the API stays up, as it does for the token deny list.
/// </summary>
public static class SharedRateLimits
{
    internal static readonly Counter RedisUnavailable = Prometheus.Metrics.CreateCounter(
        "tracseq_rate_limit_redis_unavailable_total",
        "Rate-limit checks counted in process memory because Redis could not be asked.");

    /// <summary>
    /// A fixed window of <paramref name="window"/> allowing <paramref name="permits"/> requests for
    /// <paramref name="key"/>. The key names the limit and the caller (e.g. <c>gateway:user:{sub}</c>); it is the
    /// Redis key's suffix, so two services' limits never share a counter.
    /// </summary>
    public static RateLimitPartition<string> FixedWindow(HttpContext http, string key, int permits, TimeSpan window)
    {
        var redis = http.RequestServices.GetRequiredService<IConnectionMultiplexer>();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedRateLimits));
        return RateLimitPartition.Get(key, k => new SharedFixedWindowRateLimiter(k, permits, window, redis, logger));
    }

    /// <summary>
    /// The same limit for the busy paths, without a Redis round trip per request: each replica takes permits from the
    /// shared window in blocks (<see cref="LeasedFixedWindowRateLimiter"/>). Never over the limit across replicas; near
    /// it, a replica may refuse up to 32 permits per other replica early. Sign-in limits use the exact
    /// <see cref="FixedWindow"/>.
    /// </summary>
    public static RateLimitPartition<string> Leased(HttpContext http, string key, int permits, TimeSpan window)
    {
        var redis = http.RequestServices.GetRequiredService<IConnectionMultiplexer>();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedRateLimits));
        return RateLimitPartition.Get(key, k => new LeasedFixedWindowRateLimiter(k, permits, window, redis, logger));
    }
}

/// <summary>A Redis fixed window with an in-memory window of the same size to fall back on.</summary>
internal sealed class SharedFixedWindowRateLimiter : RateLimiter
{
    private readonly RedisFixedWindowRateLimiter<string> _shared;
    private readonly FixedWindowRateLimiter _local;
    private readonly OutageWarning _unavailable;

    public SharedFixedWindowRateLimiter(string key, int permits, TimeSpan window, IConnectionMultiplexer redis, ILogger logger)
    {
        _unavailable = new OutageWarning(logger, $"Rate limit {key} counted in memory: Redis unavailable");
        _shared = new RedisFixedWindowRateLimiter<string>(key, new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            ConnectionMultiplexerFactory = () => redis,
        });
        _local = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });
    }

    // Kept while the fallback window holds permits; otherwise recreated on demand (the count lives in Redis).
    public override TimeSpan? IdleDuration => _local.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => null;

    // Redis cannot be asked synchronously without blocking a thread: "not acquired" here makes ASP.NET Core's
    // middleware call AcquireAsync, which asks Redis.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => LimitLease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            using var lease = await _shared.AcquireAsync(permitCount, cancellationToken);
            // The library reports Retry-After as whole seconds (an int); the middleware and callers read a TimeSpan.
            TimeSpan? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter.Name, out var seconds) && seconds is int s
                ? TimeSpan.FromSeconds(Math.Max(s, 1))
                : null;
            return new LimitLease(lease.IsAcquired, retryAfter);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
        {
            SharedRateLimits.RedisUnavailable.Inc();
            _unavailable.Write(ex.Message);
            return _local.AttemptAcquire(permitCount);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _shared.Dispose();
            _local.Dispose();
        }
        base.Dispose(disposing);
    }
}
