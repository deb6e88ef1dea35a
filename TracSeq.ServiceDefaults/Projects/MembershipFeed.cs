using StackExchange.Redis;

namespace TracSeq.ServiceDefaults.Projects;

/// <summary>
/// The Redis pub/sub channel on which a membership change is announced, so every replica of every service drops its
/// copy of that user's memberships (<see cref="MembershipCache"/>). A message is the user's id (<c>N</c> format), or
/// <c>*</c> for everyone.
/// </summary>
public static class MembershipFeed
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("projects:memberships");

    public const string Everyone = "*";

    public static string Message(Guid userId) => userId.ToString("N");

    /// <summary>True with the user's id, or with null for <see cref="Everyone"/>; false for anything else.</summary>
    public static bool TryParse(string? message, out Guid? userId)
    {
        userId = null;
        if (message == Everyone)
        {
            return true;
        }
        if (Guid.TryParseExact(message, "N", out var id))
        {
            userId = id;
            return true;
        }
        return false;
    }
}
