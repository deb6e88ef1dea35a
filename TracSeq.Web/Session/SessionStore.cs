using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace TracSeq.Web.Session;

/// <summary>Where sessions live. Redis in the product, so every replica of the web server sees the same sessions.</summary>
public interface ISessionStore
{
    Task<WebSession?> GetAsync(string sessionId);
    Task SaveAsync(string sessionId, WebSession session);
    Task DeleteAsync(string sessionId);

    /// <summary>A short lock across replicas, so one session's tokens are refreshed once, not once per replica.</summary>
    Task<bool> TryLockAsync(string sessionId, string owner, TimeSpan hold);
    Task UnlockAsync(string sessionId, string owner);
}

/// <summary>
/// Sessions in Redis under <c>tracseq:web:session:{id}</c>, each encrypted with Data Protection: whoever can read Redis
/// reads no access or refresh token.
/// </summary>
public sealed class RedisSessionStore(IConnectionMultiplexer redis, IDataProtectionProvider dataProtection) : ISessionStore
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("TracSeq.Web.Session.v1");

    /// <summary>As long as the refresh token lives: after that nothing in the session can be used.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static RedisKey Key(string sessionId) => $"tracseq:web:session:{sessionId}";
    private static RedisKey LockKey(string sessionId) => $"tracseq:web:session-lock:{sessionId}";

    private IDatabase Db => redis.GetDatabase();

    public async Task<WebSession?> GetAsync(string sessionId)
    {
        var value = await Db.StringGetAsync(Key(sessionId));
        if (value.IsNullOrEmpty)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<WebSession>(_protector.Unprotect(value.ToString()), Json);
        }
        catch (CryptographicException)
        {
            return null; // written before encryption, or under a lost key: the session has ended
        }
    }

    public Task SaveAsync(string sessionId, WebSession session) =>
        Db.StringSetAsync(Key(sessionId), _protector.Protect(JsonSerializer.Serialize(session, Json)), Lifetime);

    public Task DeleteAsync(string sessionId) => Db.KeyDeleteAsync(Key(sessionId));

    public Task<bool> TryLockAsync(string sessionId, string owner, TimeSpan hold) =>
        Db.StringSetAsync(LockKey(sessionId), owner, hold, When.NotExists);

    public Task UnlockAsync(string sessionId, string owner) => Db.ScriptEvaluateAsync(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
        [LockKey(sessionId)], [owner]);
}
