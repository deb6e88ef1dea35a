using StackExchange.Redis;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// The Redis pub/sub channel on which every revocation written to the deny list is announced, so that each service can
/// hold the deny list in memory (<see cref="RevocationCheck"/>) instead of asking Redis on every request. A message is
/// the deny-list key and its value, <c>{key}={value}</c>: <c>auth:revoked:jti:{jti}=1</c> or
/// <c>auth:revoked:user:{userId}={version}</c>.
/// </summary>
public static class RevocationFeed
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("auth:revocations");

    public const string KeyPattern = "auth:revoked:*";
    public const string TokenKeyPrefix = "auth:revoked:jti:";
    public const string UserKeyPrefix = "auth:revoked:user:";

    /// <summary>Announces a deny-list entry already written. Call after the write, so a subscriber that re-reads the
    /// list on the message finds it.</summary>
    public static Task PublishAsync(IConnectionMultiplexer redis, RedisKey key, RedisValue value) =>
        redis.GetSubscriber().PublishAsync(Channel, Message(key, value));

    public static string Message(RedisKey key, RedisValue value) => $"{key}={value}";

    /// <summary>Splits a message back into key and value; false for anything else.</summary>
    public static bool TryParse(string? message, out string key, out string value)
    {
        var separator = message?.LastIndexOf('=') ?? -1;
        key = separator > 0 ? message![..separator] : "";
        value = separator > 0 ? message![(separator + 1)..] : "";
        return separator > 0;
    }
}
