extern alias web;
using Microsoft.Extensions.Logging.Abstractions;
using TracSeq.Contracts;
using TracSeq.Samples.Lifecycle;
using TracSeq.ServiceDefaults.Security;
using web::TracSeq.Web.Api;
using web::TracSeq.Web.Session;

namespace TracSeq.UnitTests.Web;

public sealed class WebLogicTests
{
    [Fact]
    public void The_moves_the_sample_page_offers_are_the_ones_Samples_allows_for_every_status_and_role()
    {
        foreach (var status in SampleStatus.All)
        {
            foreach (var role in Roles.Ordered)
            {
                var expected = SampleStatusMachine.AllowedMoves(status).Where(to => SampleStatusMachine.MayMove(role, to));
                SampleMoves.Allowed(status, role).ShouldBe(expected, $"{status} as {role}");
            }
        }
        foreach (var to in SampleStatus.All)
        {
            SampleMoves.NeedsReason(to).ShouldBe(SampleStatusMachine.NeedsReason(to), to);
        }
    }

    [Fact]
    public void The_samples_list_keeps_its_filters_in_the_url_and_sorts_ascending_then_descending()
    {
        var query = new SampleQuery("liver biopsy", "received", null, "ONC-7", null, 3, 25);

        query.PageUrl().ShouldBe("/samples?q=liver%20biopsy&status=received&project=ONC-7&page=3");
        query.ApiPath().ShouldBe("/api/samples?q=liver%20biopsy&status=received&projectCode=ONC-7&sort=-createdAt&page=3&pageSize=25");
        query.ExportPath().ShouldBe("/downloads/samples.csv?format=csv&q=liver%20biopsy&status=received&projectCode=ONC-7");
        var byName = query.SortedBy("name");
        (byName.Sort, byName.Page, byName.SortDirection("name")).ShouldBe(("name", 1, "ascending"));
        byName.SortedBy("name").SortDirection("name").ShouldBe("descending");
        query.SortDirection("createdAt").ShouldBe("descending"); // the default order
    }

    private sealed class MemoryStore : ISessionStore
    {
        public readonly Dictionary<string, WebSession> Sessions = [];
        private readonly HashSet<string> _locks = [];

        public Task<WebSession?> GetAsync(string id) { lock (Sessions) return Task.FromResult(Sessions.GetValueOrDefault(id)); }
        public Task SaveAsync(string id, WebSession s) { lock (Sessions) Sessions[id] = s; return Task.CompletedTask; }
        public Task DeleteAsync(string id) { lock (Sessions) Sessions.Remove(id); return Task.CompletedTask; }
        public Task<bool> TryLockAsync(string id, string owner, TimeSpan hold) { lock (_locks) return Task.FromResult(_locks.Add(id)); }
        public Task UnlockAsync(string id, string owner) { lock (_locks) _locks.Remove(id); return Task.CompletedTask; }
    }

    private sealed class CountingRefresher(RefreshOutcome outcome) : ITokenRefresher
    {
        public int Calls;

        public async Task<(RefreshOutcome Outcome, WebSession? Session)> RefreshAsync(WebSession current, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(50, ct); // Auth takes a moment: concurrent requests pile up meanwhile
            return outcome == RefreshOutcome.Refreshed
                ? (outcome, current with { AccessToken = "new-access", RefreshToken = "new-refresh", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(15) })
                : (outcome, null);
        }
    }

    private static WebSession Session(TimeSpan expiresIn) =>
        new("old-access", "old-refresh", DateTimeOffset.UtcNow + expiresIn, Guid.NewGuid(), "a@lab.org", "A", "guest");

    [Fact]
    public async Task Concurrent_requests_of_a_session_about_to_expire_refresh_it_once()
    {
        var store = new MemoryStore();
        await store.SaveAsync("s1", Session(TimeSpan.FromSeconds(30)));
        var refresher = new CountingRefresher(RefreshOutcome.Refreshed);
        var tokens = new SessionTokens(store, refresher, TimeProvider.System, NullLogger<SessionTokens>.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => tokens.GetAccessTokenAsync("s1"))));

        refresher.Calls.ShouldBe(1);
        results.ShouldAllBe(t => t == "new-access");
        store.Sessions["s1"].RefreshToken.ShouldBe("new-refresh");
    }

    [Fact]
    public async Task A_fresh_token_is_used_as_is_and_a_refused_refresh_ends_the_session()
    {
        var store = new MemoryStore();
        await store.SaveAsync("fresh", Session(TimeSpan.FromMinutes(10)));
        await store.SaveAsync("revoked", Session(TimeSpan.FromSeconds(10)));
        var refresher = new CountingRefresher(RefreshOutcome.Ended);
        var tokens = new SessionTokens(store, refresher, TimeProvider.System, NullLogger<SessionTokens>.Instance);

        (await tokens.GetAccessTokenAsync("fresh")).ShouldBe("old-access");
        refresher.Calls.ShouldBe(0);
        (await tokens.GetAccessTokenAsync("revoked")).ShouldBeNull();
        store.Sessions.ContainsKey("revoked").ShouldBeFalse();
        (await tokens.GetAccessTokenAsync("nobody")).ShouldBeNull();
    }
}
