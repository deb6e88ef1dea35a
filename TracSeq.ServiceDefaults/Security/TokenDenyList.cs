using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Prometheus;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.Telemetry;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// Access tokens that must stop working before they expire, kept in Redis where every service checks them:
/// one token (logout) by its <c>jti</c>, or all of a user's tokens below the account's current token version
/// (claim <c>ver</c>; Auth bumps it on password change, disabled account, role change). Entries expire with the
/// tokens they cover.
/// <para>
/// While Redis is unreachable the check fails open: tokens are accepted (they live at most 15 minutes, and refresh
/// tokens are revoked in PostgreSQL, so no session can be extended), the outage is logged and counted in
/// <c>tracseq_token_denylist_unavailable_total</c>. Failing closed would take the whole API down with Redis.
/// </para>
/// </summary>
public sealed class TokenDenyList(IConnectionMultiplexer redis, ILogger<TokenDenyList> logger)
{
    private readonly OutageWarning _unavailable = new(logger, "Token deny list unavailable, accepting tokens unchecked");

    private static readonly TimeSpan EntryLifetime = TokenDefaults.AccessTokenLifetime + TokenDefaults.ClockSkew;

    private static readonly Counter Unavailable = Prometheus.Metrics.CreateCounter(
        "tracseq_token_denylist_unavailable_total",
        "Token checks or revocations that could not reach Redis (tokens were accepted).",
        new CounterConfiguration { LabelNames = ["operation"] });

    private const int WriteAttempts = 3;

    private static RedisKey TokenKey(string jti) => $"auth:revoked:jti:{jti}";
    private static RedisKey UserKey(string userId) => $"auth:revoked:user:{userId}";

    public async Task<bool> IsRevokedAsync(ClaimsPrincipal token)
    {
        var jti = token.FindFirstValue("jti");
        var sub = token.FindFirstValue("sub");
        if (jti is null || sub is null || !int.TryParse(token.FindFirstValue("ver"), out var version))
        {
            return true; // not a token this system issued
        }

        try
        {
            var values = await redis.GetDatabase().StringGetAsync([TokenKey(jti), UserKey(sub)]);
            return values[0].HasValue || (values[1].TryParse(out int currentVersion) && version < currentVersion);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Unavailable.WithLabels("check").Inc();
            _unavailable.Write($"token {jti}: {ex.Message}");
            return false;
        }
    }

    /// <summary>Revokes one access token until it expires. Returns false when Redis could not be reached.</summary>
    public Task<bool> RevokeTokenAsync(string jti, DateTimeOffset expiresAt) =>
        WriteAsync(TokenKey(jti), "1", expiresAt - DateTimeOffset.UtcNow);

    /// <summary>Revokes every access token of a user whose version is below <paramref name="currentVersion"/>.
    /// Returns false when Redis could not be reached.</summary>
    public Task<bool> RevokeUserTokensAsync(Guid userId, int currentVersion) =>
        WriteAsync(UserKey(userId.ToString()), currentVersion, EntryLifetime);

    private async Task<bool> WriteAsync(RedisKey key, RedisValue value, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return true; // already expired: nothing left to revoke
        }
        // A revocation must not be lost to a blip: a few quick attempts, then the caller reports the failure.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await redis.GetDatabase().StringSetAsync(key, value, lifetime);
                await RevocationFeed.PublishAsync(redis, key, value); // every service's memory copy (RevocationCheck)
                return true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Unavailable.WithLabels("revoke").Inc();
                logger.LogError("Could not record a token revocation in Redis (attempt {Attempt}): {Message}", attempt, ex.Message);
                if (attempt == WriteAttempts)
                {
                    return false;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
