using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Auth;

/// <summary>
/// Services cache tokens they have validated and hold the deny list in memory, fed by Redis pub/sub. These tests prove
/// that neither weakens revocation: a token that every service has just accepted (so it sits in every cache) is refused
/// by every service, directly and through the gateway, within one second of the logout, the disabling or the demotion
/// that revoked it. Each service is polled until it refuses; the test fails if any still accepts after a second.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RevocationLatencyTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    /// <summary>A read each service answers to any signed-in user, and the resource that answers it.</summary>
    private static readonly (string Resource, string Path)[] Probes =
    [
        ("auth", "/api/auth/me"),
        ("samples", AuthApiClient.SamplesProbePath),
        ("templates", "/api/templates"),
        ("gateway", AuthApiClient.SamplesProbePath),
        ("gateway", "/api/templates"),
    ];

    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task A_logged_out_token_is_refused_everywhere_within_a_second()
    {
        var user = await _auth.CreateUserAsync("lab_technician");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        await AcceptedEverywhereAsync(session.AccessToken);

        using var client = _auth.Client("auth", session.AccessToken);
        using var logout = await client.PostAsJsonAsync("/api/auth/logout", new { refreshToken = session.RefreshToken });
        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await RefusedEverywhereWithinLimitAsync(session.AccessToken);
        // The refusals came from the memory copy of the deny list, not from a per-request Redis read.
        foreach (var resource in new[] { "auth", "samples", "templates", "gateway" })
        {
            using var metrics = MetricsClient.For(fixture, resource);
            MemoryChecks(await metrics.GetStringAsync("/metrics")).ShouldBeGreaterThan(0, resource);
        }
    }

    private static double MemoryChecks(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("tracseq_token_revocation_checks_total{source=\"memory\"}", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();

    [Fact]
    public async Task A_disabled_users_token_is_refused_everywhere_within_a_second()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("research_scientist", admin.AccessToken);
        var session = await _auth.LoginAsync(user.Email, user.Password);
        await AcceptedEverywhereAsync(session.AccessToken);

        using var client = _auth.Client("auth", admin.AccessToken);
        using var disable = await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { status = "disabled" });
        disable.StatusCode.ShouldBe(HttpStatusCode.OK);

        await RefusedEverywhereWithinLimitAsync(session.AccessToken);
    }

    [Fact]
    public async Task A_demoted_users_token_is_refused_everywhere_within_a_second()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("principal_investigator", admin.AccessToken);
        var session = await _auth.LoginAsync(user.Email, user.Password);
        await AcceptedEverywhereAsync(session.AccessToken);

        using var client = _auth.Client("auth", admin.AccessToken);
        using var demote = await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { role = "guest" });
        demote.StatusCode.ShouldBe(HttpStatusCode.OK);

        await RefusedEverywhereWithinLimitAsync(session.AccessToken);
    }

    /// <summary>Every service accepts the token (twice, so a validated-token cache holds it when the revocation comes).</summary>
    private async Task AcceptedEverywhereAsync(string token)
    {
        foreach (var (resource, path) in Probes)
        {
            using var client = _auth.Client(resource, token);
            for (var i = 0; i < 2; i++)
            {
                using var response = await client.GetAsync(path);
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{resource} {path}");
            }
        }
    }

    /// <summary>
    /// Polls all services at once from the moment the revocation was answered; each must answer 401 before the limit,
    /// and keep answering 401 afterwards.
    /// </summary>
    private async Task RefusedEverywhereWithinLimitAsync(string token)
    {
        var revoked = Stopwatch.StartNew();
        var results = await Task.WhenAll(Probes.Select(async probe =>
        {
            using var client = _auth.Client(probe.Resource, token);
            HttpStatusCode status;
            TimeSpan refusedAfter;
            do
            {
                using var response = await client.GetAsync(probe.Path);
                status = response.StatusCode;
                refusedAfter = revoked.Elapsed;
            }
            while (status != HttpStatusCode.Unauthorized && refusedAfter < Limit);

            using var again = await client.GetAsync(probe.Path);
            return (probe.Resource, probe.Path, status, refusedAfter, again: again.StatusCode);
        }));

        foreach (var r in results)
        {
            r.status.ShouldBe(HttpStatusCode.Unauthorized, $"{r.Resource} {r.Path} still accepted the token after {r.refusedAfter.TotalMilliseconds:F0} ms");
            r.refusedAfter.ShouldBeLessThanOrEqualTo(Limit, $"{r.Resource} {r.Path}");
            r.again.ShouldBe(HttpStatusCode.Unauthorized, $"{r.Resource} {r.Path} accepted the token again");
        }
    }
}
