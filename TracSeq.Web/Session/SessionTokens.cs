using System.Collections.Concurrent;

namespace TracSeq.Web.Session;

/// <summary>How a refresh at Auth ended.</summary>
public enum RefreshOutcome { Refreshed, Ended, Unavailable }

/// <summary>The call to <c>POST /api/auth/refresh</c>, behind an interface so the refresh rules can be tested alone.</summary>
public interface ITokenRefresher
{
    Task<(RefreshOutcome Outcome, WebSession? Session)> RefreshAsync(WebSession current, CancellationToken ct);
}

/// <summary>
/// Hands out a session's access token, refreshing it a minute before it expires. Concurrent requests of one session
/// (several components loading at once, or several replicas) refresh once: a per-process gate, then a Redis lock;
/// whoever waits re-reads the session and uses the token the winner stored. Auth rotates refresh tokens and treats a
/// reused one as theft (it revokes the whole session), so refreshing twice would sign the user out.
/// </summary>
public sealed class SessionTokens(ISessionStore store, ITokenRefresher refresher, TimeProvider clock, ILogger<SessionTokens> logger)
{
    public static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LockHold = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WaitForOtherReplica = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    /// <summary>A usable access token, or null when the session has ended (signed out, revoked, expired).</summary>
    public async Task<string?> GetAccessTokenAsync(string sessionId, CancellationToken ct = default)
    {
        var session = await store.GetAsync(sessionId);
        if (session is null || IsFresh(session))
        {
            return session?.AccessToken;
        }
        var gate = _gates.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await RefreshOnceAsync(sessionId, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private bool IsFresh(WebSession session) => session.ExpiresAt - clock.GetUtcNow() > RefreshAhead;

    private bool IsUsable(WebSession session) => session.ExpiresAt > clock.GetUtcNow();

    private async Task<string?> RefreshOnceAsync(string sessionId, CancellationToken ct)
    {
        // Someone inside this process may have refreshed while we waited at the gate.
        var session = await store.GetAsync(sessionId);
        if (session is null || IsFresh(session))
        {
            return session?.AccessToken;
        }
        var owner = Guid.NewGuid().ToString("N");
        if (!await store.TryLockAsync(sessionId, owner, LockHold))
        {
            return await WaitForOtherRefreshAsync(sessionId, session, ct);
        }
        try
        {
            var (outcome, refreshed) = await refresher.RefreshAsync(session, ct);
            switch (outcome)
            {
                case RefreshOutcome.Refreshed:
                    await store.SaveAsync(sessionId, refreshed!);
                    return refreshed!.AccessToken;
                case RefreshOutcome.Ended:
                    logger.LogInformation("Auth refused to refresh a session; it has ended");
                    await store.DeleteAsync(sessionId);
                    return null;
                default:
                    // Auth unreachable: keep going with the current token while it lasts; the next request tries again.
                    return IsUsable(session) ? session.AccessToken : null;
            }
        }
        finally
        {
            await store.UnlockAsync(sessionId, owner);
        }
    }

    private async Task<string?> WaitForOtherRefreshAsync(string sessionId, WebSession before, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + WaitForOtherReplica;
        while (clock.GetUtcNow() < deadline)
        {
            await Task.Delay(100, ct);
            var now = await store.GetAsync(sessionId);
            if (now is null || now.AccessToken != before.AccessToken)
            {
                return now?.AccessToken;
            }
        }
        return IsUsable(before) ? before.AccessToken : null;
    }
}
