using TracSeq.ServiceDefaults.Security;

namespace TracSeq.UnitTests.Security;

public sealed class RevocationFeedTests
{
    [Theory]
    [InlineData("auth:revoked:jti:abc", "1")]
    [InlineData("auth:revoked:user:8d3f6c1e-0000-4000-8000-000000000001", "7")]
    public void A_message_carries_the_deny_list_key_and_value(string key, string value)
    {
        RevocationFeed.TryParse(RevocationFeed.Message(key, value), out var parsedKey, out var parsedValue).ShouldBeTrue();

        parsedKey.ShouldBe(key);
        parsedValue.ShouldBe(value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no separator")]
    [InlineData("=value only")]
    public void Anything_else_is_not_a_message(string? message) =>
        RevocationFeed.TryParse(message, out _, out _).ShouldBeFalse();
}
