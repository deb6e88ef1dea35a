using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.UnitTests.Security;

/// <summary>A revocation must survive a Redis blip (retried) and a lasting outage must be reported, not swallowed.</summary>
public sealed class TokenDenyListTests
{
    [Fact]
    public async Task A_revocation_whose_first_write_fails_is_retried_and_recorded()
    {
        var redis = new FakeRedis(failures: 1);

        var recorded = await redis.DenyList.RevokeUserTokensAsync(Guid.NewGuid(), 3);

        recorded.ShouldBeTrue();
        redis.Writes.ShouldBe(2);
        redis.Published.ShouldBe(1);
    }

    [Fact]
    public async Task A_revocation_that_cannot_be_written_after_the_retries_is_reported()
    {
        var redis = new FakeRedis(failures: int.MaxValue);

        var recorded = await redis.DenyList.RevokeTokenAsync("jti-1", DateTimeOffset.UtcNow.AddMinutes(10));

        recorded.ShouldBeFalse();
        redis.Writes.ShouldBeGreaterThan(1);
        redis.Published.ShouldBe(0);
    }

    /// <summary>Just enough of a Redis connection: writes fail <c>failures</c> times, then succeed; publishes are counted.</summary>
    private sealed class FakeRedis
    {
        private int _failuresLeft;

        public FakeRedis(int failures)
        {
            _failuresLeft = failures;
            var database = Proxy<IDatabase>.Create(method => method.Name switch
            {
                nameof(IDatabase.StringSetAsync) => Write(),
                _ => throw new NotSupportedException(method.Name),
            });
            var subscriber = Proxy<ISubscriber>.Create(method => method.Name switch
            {
                nameof(ISubscriber.PublishAsync) => Publish(),
                _ => throw new NotSupportedException(method.Name),
            });
            var connection = Proxy<IConnectionMultiplexer>.Create(method => method.Name switch
            {
                nameof(IConnectionMultiplexer.GetDatabase) => database,
                nameof(IConnectionMultiplexer.GetSubscriber) => subscriber,
                _ => throw new NotSupportedException(method.Name),
            });
            DenyList = new TokenDenyList(connection, NullLogger<TokenDenyList>.Instance);
        }

        public TokenDenyList DenyList { get; }
        public int Writes { get; private set; }
        public int Published { get; private set; }

        private Task<bool> Write()
        {
            Writes++;
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                return Task.FromException<bool>(new RedisConnectionException(ConnectionFailureType.SocketFailure, "a blip"));
            }
            return Task.FromResult(true);
        }

        private Task<long> Publish()
        {
            Published++;
            return Task.FromResult(1L);
        }
    }

    public class Proxy<T> : DispatchProxy where T : class
    {
        private Func<MethodInfo, object?> _handler = null!;

        public static T Create(Func<MethodInfo, object?> handler)
        {
            var proxy = DispatchProxy.Create<T, Proxy<T>>();
            ((Proxy<T>)(object)proxy)._handler = handler;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _handler(targetMethod!);
    }
}
