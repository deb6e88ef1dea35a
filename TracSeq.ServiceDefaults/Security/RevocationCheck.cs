using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using StackExchange.Redis;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// The token deny list held in memory and kept current by Redis pub/sub (<see cref="RevocationFeed"/>), so a request
/// costs no Redis round trip for its revocation check while revocation stays immediate: Auth writes the entry, then
/// announces it, and every subscribed service applies it within milliseconds.
/// <para>
/// The memory copy is trusted only while it is known to be complete: after subscribing and then reading every
/// <c>auth:revoked:*</c> entry from Redis. When the connection fails the copy is distrusted at once and every request
/// is checked against Redis again (<see cref="TokenDenyList.IsRevokedAsync"/>, which fails open while Redis is down as
/// the README says) until the connection is back and the copy has been read again. Entries expire as the tokens they
/// cover do.
/// </para>
/// </summary>
public sealed class RevocationCheck(IConnectionMultiplexer redis, TokenDenyList denyList, ILogger<RevocationCheck> logger)
    : BackgroundService
{
    private static readonly TimeSpan EntryLifetime = TokenDefaults.AccessTokenLifetime + TokenDefaults.ClockSkew;
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private static readonly Counter Checks = Prometheus.Metrics.CreateCounter(
        "tracseq_token_revocation_checks_total",
        "Token revocation checks by where they were answered: memory (pub/sub copy current) or redis (copy not current).",
        new CounterConfiguration { LabelNames = ["source"] });

    private readonly ConcurrentDictionary<string, DateTimeOffset> _revokedTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Version, DateTimeOffset Until)> _userVersions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _resync = new(1, 1);
    private volatile bool _current;
    private bool _subscribed; // the multiplexer re-subscribes by itself after a reconnect
    private int _generation;

    /// <summary>True while the memory copy is complete and the subscription is up.</summary>
    public bool IsCurrent => _current;

    public async Task<bool> IsRevokedAsync(ClaimsPrincipal token)
    {
        if (!_current)
        {
            Checks.WithLabels("redis").Inc();
            return await denyList.IsRevokedAsync(token);
        }
        Checks.WithLabels("memory").Inc();
        var jti = token.FindFirstValue("jti");
        var sub = token.FindFirstValue("sub");
        if (jti is null || sub is null || !int.TryParse(token.FindFirstValue("ver"), out var version))
        {
            return true; // not a token this system issued
        }
        var now = DateTimeOffset.UtcNow;
        return (_revokedTokens.TryGetValue(jti, out var until) && until > now) ||
               (_userVersions.TryGetValue(sub, out var current) && current.Until > now && version < current.Version);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!_current)
                {
                    await ResyncAsync(stoppingToken);
                }
                Prune();
                await Task.Delay(_current ? TimeSpan.FromSeconds(30) : RetryInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    /// <summary>Subscribes (if not yet), then reads the whole deny list; only then is the copy trusted.</summary>
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        if (!await _resync.WaitAsync(0, cancellationToken))
        {
            return; // another resync is under way
        }
        var generation = Volatile.Read(ref _generation);
        try
        {
            if (!_subscribed)
            {
                await redis.GetSubscriber().SubscribeAsync(RevocationFeed.Channel, (_, message) => Apply(message));
                _subscribed = true;
            }
            var loaded = await LoadAllAsync(cancellationToken);
            // A connection failure during the read makes it incomplete: try again rather than trust it. The commands'
            // connection and the subscription's come back separately after an outage; until the subscription's is back,
            // announcements are lost, so the copy is trusted only once both are up (its restore resyncs again).
            if (Volatile.Read(ref _generation) == generation && redis.IsConnected && redis.GetSubscriber().IsConnected(RevocationFeed.Channel))
            {
                _current = true;
                logger.LogInformation("Token deny list held in memory ({Entries} entries), kept current by pub/sub", loaded);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning("Token deny list cannot be read from Redis yet; checking each token in Redis: {Message}", ex.Message);
        }
        finally
        {
            _resync.Release();
        }
    }

    /// <summary>Every deny-list entry on the primaries, read in chunks; how many were applied.</summary>
    private async Task<int> LoadAllAsync(CancellationToken cancellationToken)
    {
        var loaded = 0;
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: RevocationFeed.KeyPattern, pageSize: 1000).WithCancellation(cancellationToken))
            {
                keys.Add(key);
            }
            foreach (var chunk in keys.Chunk(500))
            {
                loaded += await LoadAsync(chunk);
            }
        }
        return loaded;
    }

    private async Task<int> LoadAsync(RedisKey[] chunk)
    {
        var values = await redis.GetDatabase().StringGetAsync(chunk);
        var loaded = 0;
        for (var i = 0; i < chunk.Length; i++)
        {
            if (values[i].HasValue)
            {
                Apply(chunk[i]!, values[i]!);
                loaded++;
            }
        }
        return loaded;
    }

    private void Apply(RedisValue message)
    {
        if (RevocationFeed.TryParse(message, out var key, out var value))
        {
            Apply(key, value);
        }
    }

    private void Apply(string key, string value)
    {
        var until = DateTimeOffset.UtcNow + EntryLifetime;
        if (key.StartsWith(RevocationFeed.TokenKeyPrefix, StringComparison.Ordinal))
        {
            _revokedTokens[key[RevocationFeed.TokenKeyPrefix.Length..]] = until;
        }
        else if (key.StartsWith(RevocationFeed.UserKeyPrefix, StringComparison.Ordinal) && int.TryParse(value, out var version))
        {
            // Versions only go up; a late or repeated message must not lower the bar.
            _userVersions.AddOrUpdate(key[RevocationFeed.UserKeyPrefix.Length..], (version, until),
                (_, old) => (Math.Max(old.Version, version), until));
        }
    }

    private void Prune()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (jti, until) in _revokedTokens)
        {
            if (until <= now)
            {
                _revokedTokens.TryRemove(jti, out _);
            }
        }
        foreach (var (user, entry) in _userVersions)
        {
            if (entry.Until <= now)
            {
                _userVersions.TryRemove(user, out _);
            }
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // Messages published while the connection is down are lost: distrust the copy until it is read again.
        Interlocked.Increment(ref _generation);
        _current = false;
        logger.LogWarning("Redis connection lost ({ConnectionType}); token revocation checked in Redis until it is back", e.ConnectionType);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        Interlocked.Increment(ref _generation);
        _current = false;
        _ = ResyncAsync(CancellationToken.None);
    }

    public override void Dispose()
    {
        _resync.Dispose();
        base.Dispose();
    }
}
