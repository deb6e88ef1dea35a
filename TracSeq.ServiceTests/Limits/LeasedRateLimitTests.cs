using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.RateLimiting;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Limits;

/// <summary>
/// The gateway's per-user and per-address limiter against the tier's real Redis: two limiters on one key stand for two
/// gateway replicas.
/// </summary>
public sealed class LeasedRateLimitTests : IAsyncLifetime
{
    private LocalInfrastructure? _infrastructure;
    private ConnectionMultiplexer? _redis;

    public async Task InitializeAsync()
    {
        _infrastructure = await LocalInfrastructure.AcquireAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_infrastructure.RedisConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_infrastructure is not null)
        {
            await LocalInfrastructure.ReleaseAsync();
        }
    }

    private RateLimiter Replica(string key, int permits, TimeSpan window) =>
        new LeasedFixedWindowRateLimiter(key, permits, window, _redis!, NullLogger.Instance);

    private static async Task<bool> AskAsync(RateLimiter limiter)
    {
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }
        using var waited = await limiter.AcquireAsync();
        return waited.IsAcquired;
    }

    [Theory]
    [InlineData(40, 1)]
    [InlineData(40, 2)]
    [InlineData(1000, 3)]
    public async Task Replicas_together_never_let_more_than_the_limit_through(int permits, int replicas)
    {
        var key = $"test:{Guid.NewGuid():N}";
        var limiters = Enumerable.Range(0, replicas).Select(_ => Replica(key, permits, TimeSpan.FromMinutes(1))).ToList();
        var admitted = 0;

        // Twice the limit, round robin, as a load balancer spreads one user's requests.
        for (var i = 0; i < 2 * permits; i++)
        {
            admitted += await AskAsync(limiters[i % replicas]) ? 1 : 0;
        }

        admitted.ShouldBeLessThanOrEqualTo(permits);
        // What the others took and did not use is the only shortfall: at most one block per other replica.
        admitted.ShouldBeGreaterThanOrEqualTo(permits - (replicas - 1) * LeasedFixedWindowRateLimiter.MaxBlock);
        limiters.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task Concurrent_requests_on_several_replicas_stay_within_the_limit()
    {
        const int permits = 500;
        var key = $"test:{Guid.NewGuid():N}";
        var limiters = Enumerable.Range(0, 4).Select(_ => Replica(key, permits, TimeSpan.FromMinutes(1))).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(() => AskAsync(limiters[i % 4]))));

        results.Count(r => r).ShouldBeInRange(permits - 3 * LeasedFixedWindowRateLimiter.MaxBlock, permits);
        limiters.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task A_refusal_says_when_the_window_ends_and_the_next_window_admits_again()
    {
        var key = $"test:{Guid.NewGuid():N}";
        using var limiter = Replica(key, 3, TimeSpan.FromSeconds(2));
        for (var i = 0; i < 3; i++)
        {
            (await AskAsync(limiter)).ShouldBeTrue();
        }

        using var refused = await limiter.AcquireAsync();
        refused.IsAcquired.ShouldBeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        (await AskAsync(limiter)).ShouldBeTrue();
    }

    [Fact]
    public async Task Requests_within_a_block_cost_no_round_trip_to_Redis()
    {
        var key = $"test:{Guid.NewGuid():N}";
        using var limiter = Replica(key, 10_000, TimeSpan.FromMinutes(1));
        (await AskAsync(limiter)).ShouldBeTrue(); // takes a block of 32

        var db = _redis!.GetDatabase();
        var taken = (long)await db.StringGetAsync($"tracseq:limit:{key}");
        for (var i = 0; i < LeasedFixedWindowRateLimiter.MaxBlock - 1; i++)
        {
            limiter.AttemptAcquire().IsAcquired.ShouldBeTrue(); // synchronous: served from memory
        }

        taken.ShouldBe(LeasedFixedWindowRateLimiter.MaxBlock);
        ((long)await db.StringGetAsync($"tracseq:limit:{key}")).ShouldBe(taken);
    }
}
