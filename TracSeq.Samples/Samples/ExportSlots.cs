using System.Collections.Concurrent;

namespace TracSeq.Samples.Samples;

/// <summary>
/// A CSV export holds a database connection (and a reader) for as long as the client reads. So a user may run at most
/// <see cref="PerUser"/> at once (429 beyond), the service at most <see cref="InAll"/> (503 beyond, keeping the pool
/// for everything else), and an export ends after <see cref="MaxDuration"/> however slowly it is read
/// (<c>Samples:Export:PerUser</c>, <c>:InAll</c>, <c>:MaxDuration</c>).
/// </summary>
public sealed class ExportSlots(IConfiguration configuration)
{
    public int PerUser { get; } = configuration.GetValue("Samples:Export:PerUser", 2);
    public int InAll { get; } = configuration.GetValue("Samples:Export:InAll", 8);
    public TimeSpan MaxDuration { get; } = configuration.GetValue("Samples:Export:MaxDuration", TimeSpan.FromMinutes(5));

    private readonly ConcurrentDictionary<Guid, int> _byUser = new();
    private int _inAll;

    public enum Refusal { None, UserBusy, ServiceBusy }

    /// <summary>Takes a slot for <paramref name="user"/>; the caller gives it back with <see cref="Release"/>.</summary>
    public Refusal TryTake(Guid user)
    {
        if (Interlocked.Increment(ref _inAll) > InAll)
        {
            Interlocked.Decrement(ref _inAll);
            return Refusal.ServiceBusy;
        }
        var mine = _byUser.AddOrUpdate(user, 1, (_, n) => n + 1);
        if (mine > PerUser)
        {
            Release(user);
            return Refusal.UserBusy;
        }
        return Refusal.None;
    }

    public void Release(Guid user)
    {
        _byUser.AddOrUpdate(user, 0, (_, n) => n - 1);
        _byUser.TryRemove(KeyValuePair.Create(user, 0));
        Interlocked.Decrement(ref _inAll);
    }
}
