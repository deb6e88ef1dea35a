using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using StackExchange.Redis;

namespace TracSeq.ServiceDefaults.Projects;

/// <summary>
/// Each replica's copy of users' project memberships, so the membership check on a hot read (a scanner's by-barcode
/// lookup) is a dictionary lookup, not a database query. A user's memberships are loaded on their first request and
/// dropped when a change is announced on <see cref="MembershipFeed"/> (Redis pub/sub, the same way the token deny list
/// is kept current by <c>RevocationCheck</c>): a removal takes effect on every replica as soon as the message arrives,
/// whatever token the user holds.
/// <para>
/// The copy is trusted only while the subscription is up. When the Redis connection fails, announcements can be lost,
/// so the copy is dropped and every check loads from the source until the connection is back. A load that raced an
/// announcement is answered but not kept (the generation moved on while it ran), so a stale copy cannot outlive the
/// change it missed. Entries also expire after <see cref="Lifetime"/>, a backstop only.
/// </para>
/// </summary>
public sealed class MembershipCache(IConnectionMultiplexer redis, IProjectMembershipSource source, ILogger<MembershipCache> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private static readonly Counter Lookups = Prometheus.Metrics.CreateCounter(
        "tracseq_project_membership_lookups_total",
        "Project membership checks by where they were answered: memory (the pub/sub-kept copy) or source (loaded).",
        new CounterConfiguration { LabelNames = ["source"] });

    private static readonly Counter.Child FromMemory = Lookups.WithLabels("memory");
    private static readonly Counter.Child FromSource = Lookups.WithLabels("source");

    private readonly ConcurrentDictionary<Guid, (ProjectMemberships Memberships, long Until)> _entries = new();
    private volatile bool _current;
    private long _generation;

    /// <summary>True while the subscription is up and the copy may be served.</summary>
    public bool IsCurrent => _current;

    public async ValueTask<ProjectMemberships> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_current && _entries.TryGetValue(userId, out var entry) && entry.Until > Environment.TickCount64)
        {
            FromMemory.Inc();
            return entry.Memberships;
        }
        FromSource.Inc();
        var generation = Interlocked.Read(ref _generation);
        var loaded = await source.LoadAsync(userId, cancellationToken);
        if (_current && Interlocked.Read(ref _generation) == generation)
        {
            _entries[userId] = (loaded, Environment.TickCount64 + (long)Lifetime.TotalMilliseconds);
        }
        return loaded;
    }

    /// <summary>Announces a membership change to every replica (this one included). Call after the change committed.</summary>
    public async Task AnnounceAsync(Guid userId)
    {
        Forget(userId); // this replica at once, whatever Redis does
        try
        {
            await redis.GetSubscriber().PublishAsync(MembershipFeed.Channel, MembershipFeed.Message(userId));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The other replicas lose their subscription with the same outage, and then distrust their copies.
            logger.LogWarning("Membership change of {UserId} could not be announced: {Message}", userId, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            var subscribed = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!subscribed)
                {
                    subscribed = await SubscribeAsync();
                }
                else if (!_current && redis.IsConnected)
                {
                    Trust();
                }
                Prune();
                await Task.Delay(subscribed && _current ? TimeSpan.FromSeconds(30) : RetryInterval, stoppingToken);
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

    private async Task<bool> SubscribeAsync()
    {
        try
        {
            // The multiplexer re-subscribes by itself after a reconnect.
            await redis.GetSubscriber().SubscribeAsync(MembershipFeed.Channel, (_, message) => Apply(message));
            if (redis.IsConnected)
            {
                Trust();
            }
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning("Membership announcements cannot be subscribed to yet; loading memberships per request: {Message}", ex.Message);
            return false;
        }
    }

    private void Trust()
    {
        Distrust(); // nothing kept from before the subscription (or the outage) is served
        _current = true;
        logger.LogInformation("Project memberships held in memory, kept current by pub/sub");
    }

    private void Apply(RedisValue message)
    {
        if (!MembershipFeed.TryParse(message, out var userId))
        {
            return;
        }
        if (userId is { } id)
        {
            Forget(id);
        }
        else
        {
            Interlocked.Increment(ref _generation);
            _entries.Clear();
        }
    }

    private void Forget(Guid userId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(userId, out _);
    }

    private void Distrust()
    {
        _current = false;
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private void Prune()
    {
        var now = Environment.TickCount64;
        foreach (var (user, entry) in _entries)
        {
            if (entry.Until <= now)
            {
                _entries.TryRemove(new KeyValuePair<Guid, (ProjectMemberships, long)>(user, entry));
            }
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        Distrust();
        logger.LogWarning("Redis connection lost ({ConnectionType}); project memberships loaded per request until it is back", e.ConnectionType);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (redis.IsConnected)
        {
            Trust();
        }
    }
}
