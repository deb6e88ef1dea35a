using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.ScaleOut;

/// <summary>
/// Every service as two processes behind Aspire's proxies must behave as one: what one replica writes or revokes,
/// the other knows at once; a sign-in lockout and the gateway's limits count across replicas; and a replica that dies
/// under load costs a retrying client nothing. Replicas are called on their own ports where it matters which one
/// answers.
/// </summary>
[Collection(ReplicatedAppHostCollection.Name)]
public sealed class ReplicaTests(ReplicatedAppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task Every_service_runs_as_two_processes_and_Prometheus_scrapes_each_as_its_own_instance()
    {
        using var prometheus = fixture.CreateClient("prometheus");
        foreach (var service in AppHostFixture.Services)
        {
            var replicas = await fixture.ReplicasAsync(service);

            replicas.Count.ShouldBe(2, service);
            replicas.Select(r => r.ProcessId).Distinct().Count().ShouldBe(2, $"{service}: two processes");
            replicas.Select(r => r.Address.Port).Distinct().Count().ShouldBe(2, $"{service}: two ports");
            foreach (var replica in replicas)
            {
                using var client = ReplicatedAppHostFixture.ClientFor(replica);
                (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK, replica.ResourceId);
            }

            var instances = await UpInstancesAsync(prometheus, service);
            instances.ShouldBe(replicas.Select(r => $"{r.Address.Host}:{r.Address.Port}"), ignoreOrder: true, service);
        }
    }

    [Fact]
    public async Task An_edit_made_through_one_replica_is_seen_by_every_replica_at_once()
    {
        var token = (await _lab.SessionAsync("lab_technician")).AccessToken;
        var sample = await _lab.CreateSampleAsync(new { name = "Before the edit", sampleType = "dna" });
        var replicas = await fixture.ReplicasAsync("samples");
        foreach (var replica in replicas)
        {
            // Each replica reads (and caches) the sample as it was.
            using var client = ReplicatedAppHostFixture.ClientFor(replica, token);
            (await client.GetFromJsonAsync<SampleInfo>($"/api/samples/{sample.Id}", SampleLab.Json))!.Name.ShouldBe("Before the edit");
        }

        using (var first = ReplicatedAppHostFixture.ClientFor(replicas[0], token))
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/samples/{sample.Id}")
            {
                Content = JsonContent.Create(new { name = "After the edit" }),
            };
            patch.Headers.IfMatch.Add(new($"\"{sample.Version}\""));
            using var response = await first.SendAsync(patch);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        foreach (var replica in replicas)
        {
            using var client = ReplicatedAppHostFixture.ClientFor(replica, token);
            var seen = (await client.GetFromJsonAsync<SampleInfo>($"/api/samples/{sample.Id}", SampleLab.Json))!;
            seen.Name.ShouldBe("After the edit", replica.ResourceId);
            seen.Version.ShouldBe(sample.Version + 1, replica.ResourceId);
        }
    }

    [Fact]
    public async Task A_removed_project_member_is_refused_by_every_samples_replica_within_a_second()
    {
        var owner = await _auth.CreateUserAsync("principal_investigator");
        var member = await _auth.CreateUserAsync("research_scientist");
        var ownerToken = (await _auth.LoginAsync(owner.Email, owner.Password)).AccessToken;
        var memberToken = (await _auth.LoginAsync(member.Email, member.Password)).AccessToken; // issued before the removal
        using var gateway = _auth.Client("gateway", ownerToken);
        var code = SampleLab.Unique("REP");
        using var created = await gateway.PostAsJsonAsync("/api/projects", new { code, name = "Replicated group" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var project = (await created.Content.ReadFromJsonAsync<ProjectInfo>(SampleLab.Json))!;
        (await gateway.PutAsJsonAsync($"/api/projects/{project.Id}/members/{member.Id}", new { role = "member" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var sample = await _lab.CreateSampleAsync(new { name = "Replicated secret", sampleType = "dna", projectCode = code }, gateway);

        var replicas = await fixture.ReplicasAsync("samples");
        foreach (var replica in replicas)
        {
            // Each replica caches the member's memberships and the sample.
            using var client = ReplicatedAppHostFixture.ClientFor(replica, memberToken);
            (await client.GetAsync($"/api/samples/by-barcode/{sample.Barcode}")).StatusCode.ShouldBe(HttpStatusCode.OK, replica.ResourceId);
        }

        using (var removal = ReplicatedAppHostFixture.ClientFor(replicas[0], ownerToken))
        {
            (await removal.DeleteAsync($"/api/projects/{project.Id}/members/{member.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
        await Task.Delay(TimeSpan.FromSeconds(1));

        foreach (var replica in replicas)
        {
            using var client = ReplicatedAppHostFixture.ClientFor(replica, memberToken);
            (await client.GetAsync($"/api/samples/by-barcode/{sample.Barcode}"))
                .StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{replica.ResourceId} a second after the removal");
            (await client.GetAsync($"/api/samples/{sample.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, replica.ResourceId);
        }
    }

    [Fact]
    public async Task A_logged_out_token_is_refused_by_every_replica_of_every_service_within_a_second()
    {
        var user = await _auth.CreateUserAsync("research_scientist");
        var tokens = await _auth.LoginAsync(user.Email, user.Password);
        var replicas = new List<(Replica Replica, string Path)>();
        foreach (var (service, path) in new[]
                 {
                     ("gateway", "/api/auth/me"), ("auth", "/api/auth/me"),
                     ("samples", AuthApiClient.SamplesProbePath), ("templates", "/api/templates"),
                 })
        {
            replicas.AddRange((await fixture.ReplicasAsync(service)).Select(r => (r, path)));
        }
        foreach (var (replica, path) in replicas)
        {
            using var client = ReplicatedAppHostFixture.ClientFor(replica, tokens.AccessToken);
            (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK, $"{replica.ResourceId} before the logout");
        }

        using (var gateway = _auth.Client("gateway", tokens.AccessToken))
        {
            (await gateway.PostAsJsonAsync("/api/auth/logout", new { refreshToken = tokens.RefreshToken })).IsSuccessStatusCode.ShouldBeTrue();
        }
        await Task.Delay(TimeSpan.FromSeconds(1));

        foreach (var (replica, path) in replicas)
        {
            using var client = ReplicatedAppHostFixture.ClientFor(replica, tokens.AccessToken);
            (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{replica.ResourceId} a second after the logout");
        }
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_whichever_replica_answered_each()
    {
        var user = await _auth.CreateUserAsync("guest");
        var replicas = await fixture.ReplicasAsync("auth");

        for (var attempt = 0; attempt < 5; attempt++)
        {
            // Alternating replicas: three failures on one, two on the other.
            using var response = await LoginAtAsync(replicas[attempt % 2], user.Email, "not-the-password-at-all");
            response.StatusCode.ShouldBe(attempt < 4 ? HttpStatusCode.Unauthorized : HttpStatusCode.Locked, $"attempt {attempt + 1}");
        }

        foreach (var replica in replicas)
        {
            using var response = await LoginAtAsync(replica, user.Email, user.Password);
            response.StatusCode.ShouldBe(HttpStatusCode.Locked, $"{replica.ResourceId}: the right password on a locked account");
            response.Headers.RetryAfter.ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task The_gateways_per_user_limit_is_one_limit_across_its_replicas()
    {
        var user = await _auth.CreateUserAsync("guest");
        var token = (await _auth.LoginAsync(user.Email, user.Password)).AccessToken;
        var gateways = await fixture.ReplicasAsync("gateway");
        var statuses = new List<HttpStatusCode>();

        // Half again the limit, alternating between the two gateways: per-replica counting would let all of it through.
        for (var i = 0; i < ReplicatedAppHostFixture.PerUserPerMinute * 3 / 2; i++)
        {
            using var client = ReplicatedAppHostFixture.ClientFor(gateways[i % 2], token);
            using var response = await client.GetAsync("/api/auth/me");
            statuses.Add(response.StatusCode);
        }

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(ReplicatedAppHostFixture.PerUserPerMinute);
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(ReplicatedAppHostFixture.PerUserPerMinute / 2);
        statuses.Skip(ReplicatedAppHostFixture.PerUserPerMinute).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Killing_one_replica_of_Samples_under_load_loses_no_request_the_client_retries()
    {
        var token = (await _lab.SessionAsync("lab_technician")).AccessToken;
        var victim = (await fixture.ReplicasAsync("samples"))[0];
        var created = new ConcurrentDictionary<string, Guid>();
        var retried = 0;
        using var load = new CancellationTokenSource();

        // Four clients create samples through Aspire's proxy, each request with its own Idempotency-Key, retried
        // (same key) on a failed connection or a 5xx until it succeeds.
        var clients = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            using var client = fixture.CreateClient("samples");
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            for (var n = 0; !load.IsCancellationRequested; n++)
            {
                var key = $"scale-out-{worker}-{n}-{Guid.NewGuid():N}";
                created[key] = await CreateWithRetriesAsync(client, key, () => Interlocked.Increment(ref retried));
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = created.Count;
        victim.ProcessId.ShouldNotBeNull();
        Process.GetProcessById(victim.ProcessId.Value).Kill(entireProcessTree: true);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await load.CancelAsync();
        await Task.WhenAll(clients);

        try
        {
            created.Count.ShouldBeGreaterThan(before, "requests kept succeeding after the kill");
            created.Values.Distinct().Count().ShouldBe(created.Count, "each key made one sample");
            await using var db = await _lab.OpenDatabaseAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM samples WHERE id = ANY(@ids)", db);
            count.Parameters.AddWithValue("ids", created.Values.ToArray());
            ((long)(await count.ExecuteScalarAsync())!).ShouldBe(created.Count, "every acknowledged sample is stored");
        }
        finally
        {
            // Bring the killed replica back for the tests that follow.
            await fixture.WaitUntilNotRunningAsync(victim, TimeSpan.FromMinutes(1));
            await fixture.RunReplicaCommandAsync(victim, KnownResourceCommands.StartCommand);
            await fixture.RunningReplicasAsync("samples", 2, TimeSpan.FromMinutes(2));
        }
    }

    private static async Task<Guid> CreateWithRetriesAsync(HttpClient client, string key, Action onRetry)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/samples")
                {
                    Content = JsonContent.Create(new { name = $"Load {key}", sampleType = "rna" }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await client.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    return (await response.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!.Id;
                }
                ((int)response.StatusCode).ShouldBeGreaterThanOrEqualTo(500, await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException)
            {
                // The connection died with the replica: retry with the same key.
            }
            attempt.ShouldBeLessThan(20, $"{key} never succeeded");
            onRetry();
            await Task.Delay(100 * attempt);
        }
    }

    private static async Task<HttpResponseMessage> LoginAtAsync(Replica auth, string email, string password)
    {
        using var client = ReplicatedAppHostFixture.ClientFor(auth);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", AuthApiClient.NewClientIp());
        return await client.SendAsync(request);
    }

    /// <summary>The instances of <paramref name="job"/> Prometheus scrapes successfully, once it scrapes both replicas.</summary>
    private static async Task<IReadOnlyList<string>> UpInstancesAsync(HttpClient prometheus, string job)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var query = Uri.EscapeDataString($"up{{job=\"{job}\"}} == 1");
            using var result = JsonDocument.Parse(await prometheus.GetStringAsync($"/api/v1/query?query={query}", timeout.Token));
            var instances = result.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .Select(r => r.GetProperty("metric").GetProperty("instance").GetString()!).ToList();
            if (instances.Count >= 2 || timeout.IsCancellationRequested)
            {
                return instances;
            }
            await Task.Delay(500, timeout.Token);
        }
    }
}
