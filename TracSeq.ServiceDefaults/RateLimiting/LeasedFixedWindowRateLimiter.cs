using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.Telemetry;

namespace TracSeq.ServiceDefaults.RateLimiting;

/// <summary>
/// A fixed window shared by every replica through Redis, without a Redis round trip per request: a replica takes
/// permits from the shared window in blocks (one atomic <c>INCRBY</c>) and hands them out from memory. No replica can
/// take a permit the window does not have, so the replicas together never let more than the limit through; what a
/// replica took and did not use is lost when the window ends, so near the limit others may refuse a little early —
/// at most <see cref="MaxBlock"/> permits per other replica and window, and a block is never more than a sixteenth of
/// what the window has left. While Redis is unreachable the replica counts alone in memory, as
/// <see cref="SharedFixedWindowRateLimiter"/> does.
/// </summary>
internal sealed class LeasedFixedWindowRateLimiter : RateLimiter
{
    /// <summary>The most permits one replica takes at once.</summary>
    public const int MaxBlock = 32;

    // The window starts with its first reservation and ends when the key expires; the reply says how much was taken in
    // all and how long the window has left, so each replica ends its block with the window.
    private const string Reserve = """
        local total = redis.call('INCRBY', KEYS[1], ARGV[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          ttl = tonumber(ARGV[2])
        end
        return { total, ttl }
        """;

    private readonly RedisKey _key;
    private readonly int _permits;
    private readonly TimeSpan _window;
    private readonly IConnectionMultiplexer _redis;
    private readonly FixedWindowRateLimiter _local;
    private readonly OutageWarning _unavailable;
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private int _held;
    private long _windowEnds; // TimeProvider timestamp; the held permits and the exhausted flag belong to this window
    private int _remaining;   // what the shared window had left after the last reservation
    private long _lastUse;

    public LeasedFixedWindowRateLimiter(string key, int permits, TimeSpan window, IConnectionMultiplexer redis, ILogger logger, TimeProvider? time = null)
    {
        _key = $"tracseq:limit:{key}";
        _permits = permits;
        _window = window;
        _redis = redis;
        _time = time ?? TimeProvider.System;
        _remaining = permits;
        _lastUse = _time.GetTimestamp();
        _unavailable = new OutageWarning(logger, $"Rate limit {key} counted in memory: Redis unavailable");
        _local = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });
    }

    public override TimeSpan? IdleDuration => _time.GetElapsedTime(Interlocked.Read(ref _lastUse));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        Take(permitCount) ?? LimitLease.NotYet; // not acquired: the middleware then calls AcquireAsync, which may ask Redis

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (Take(permitCount) is { } lease)
        {
            return lease;
        }
        await _refill.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refilled while this one waited.
            return Take(permitCount) ?? await ReserveAsync(permitCount);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
        {
            SharedRateLimits.RedisUnavailable.Inc();
            _unavailable.Write(ex.Message);
            return _local.AttemptAcquire(permitCount);
        }
        finally
        {
            _refill.Release();
        }
    }

    /// <summary>A lease from the held permits; a refusal when the window is spent; null when Redis must be asked.</summary>
    private LimitLease? Take(int count)
    {
        var now = _time.GetTimestamp();
        Interlocked.Exchange(ref _lastUse, now);
        lock (_gate)
        {
            if (now >= _windowEnds)
            {
                (_held, _remaining) = (0, _permits);
                return null;
            }
            if (_held >= count)
            {
                _held -= count;
                return LimitLease.Acquired;
            }
            return _remaining <= 0 ? LimitLease.Refused(WaitLeft(now)) : null;
        }
    }

    private async Task<LimitLease> ReserveAsync(int count)
    {
        var block = Math.Max(count, Math.Min(MaxBlock, _remaining / 16));
        var reply = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(Reserve, [_key], [block, (long)_window.TotalMilliseconds]))!;
        var (total, ttl) = ((long)reply[0], (long)reply[1]);
        var granted = (int)Math.Clamp(_permits - (total - block), 0, block);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _windowEnds = now + (long)(TimeSpan.FromMilliseconds(ttl).TotalSeconds * _time.TimestampFrequency);
            _remaining = (int)Math.Max(0, _permits - total);
            _held = granted;
            if (_held >= count)
            {
                _held -= count;
                return LimitLease.Acquired;
            }
            _held = 0; // fewer than asked for: the window is spent, and a part of a request is no use
            return LimitLease.Refused(WaitLeft(now));
        }
    }

    private TimeSpan WaitLeft(long now) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((double)(_windowEnds - now) / _time.TimestampFrequency)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _local.Dispose();
            _refill.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A lease of the shared limiters: acquired or not, with the Retry-After a refusal knows.</summary>
internal sealed class LimitLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static readonly LimitLease NotYet = new(false, null);
    public static readonly LimitLease Acquired = new(true, null);

    public static LimitLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
        return metadata is not null;
    }
}
