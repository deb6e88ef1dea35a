using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;
using TracSeq.Tests.Sequencing;

namespace TracSeq.Tests.Webhooks;

/// <summary>
/// Webhooks end to end, to a real HTTP receiver on 127.0.0.1 (the AppHost's local mode allows private targets):
/// signatures checked with the Standard Webhooks algorithm written out here, retries keeping the webhook-id, project
/// scoping, the outbox surviving a killed service, and what the dispatcher refuses to do (SSRF, redirects, hanging).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class WebhookTests(AppHostFixture fixture, WebhookReceiver receiver) : IClassFixture<WebhookReceiver>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SampleLab _lab = new(fixture);

    private sealed record Registered(Guid Id, string Secret);

    private async Task<Registered> RegisterAsync(string path, string[] events, string? projectId = null)
    {
        using var admin = await _lab.AdminAsync();
        using var response = await admin.PostAsJsonAsync(
            "/api/webhooks", new { url = receiver.BaseUrl + path, events, projectId, description = "test receiver" });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var errors = (await fixture.ReadLogsAsync("samples"))
                .Where(l => l.Contains("xception", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal))
                .TakeLast(40);
            text += "\n" + string.Join("\n", errors);
        }
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        return new Registered(body.RootElement.GetProperty("webhook").GetProperty("id").GetGuid(), body.RootElement.GetProperty("secret").GetString()!);
    }

    private async Task DeleteAsync(Registered hook)
    {
        using var admin = await _lab.AdminAsync();
        (await admin.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    private async Task<JsonElement> DeliveriesAsync(Registered hook)
    {
        using var admin = await _lab.AdminAsync();
        using var body = JsonDocument.Parse(await admin.GetStringAsync($"/api/webhooks/{hook.Id}/deliveries"));
        return body.RootElement.GetProperty("items").Clone();
    }

    /// <summary>The specification's check, written out: HMAC-SHA256 keyed with the decoded secret over id.timestamp.body.</summary>
    private static bool SignatureIsValid(ReceivedWebhook webhook, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}.{webhook.Body}")));
        return webhook.Signature!.Split(' ').Any(s => s == $"v1,{expected}");
    }

    [Fact]
    public async Task A_new_sample_is_delivered_signed_and_a_project_scoped_subscription_hears_only_its_project()
    {
        var project = SampleLab.Unique("HOOK");
        var scopedPath = receiver.NewEndpoint();
        var allPath = receiver.NewEndpoint();
        var scoped = await RegisterAsync(scopedPath, ["sample.created"], project);
        var all = await RegisterAsync(allPath, ["sample.created"]);

        var other = await _lab.CreateSampleAsync(new { name = "Other project", sampleType = "dna", projectCode = SampleLab.Unique("ELSE") });
        var mine = await _lab.CreateSampleAsync(new { name = "Secret name", sampleType = "dna", projectCode = project, notes = "private notes" });

        var delivered = (await receiver.WaitForAsync(scopedPath, 1, Patience)).ShouldHaveSingleItem();
        var everything = await receiver.WaitForAsync(allPath, 2, Patience);
        SignatureIsValid(delivered, scoped.Secret).ShouldBeTrue(delivered.Signature);
        SignatureIsValid(delivered, all.Secret).ShouldBeFalse(); // each subscription has its own secret
        long.Parse(delivered.Timestamp!).ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var body = JsonDocument.Parse(delivered.Body);
        body.RootElement.GetProperty("type").GetString().ShouldBe("sample.created");
        var data = body.RootElement.GetProperty("data");
        data.GetProperty("sampleId").GetGuid().ShouldBe(mine.Id);
        data.GetProperty("barcode").GetString().ShouldBe(mine.Barcode);
        data.GetProperty("projectCode").GetString().ShouldBe(project);
        delivered.Body.ShouldNotContain("Secret name");
        delivered.Body.ShouldNotContain("private notes");
        everything.Select(w => JsonDocument.Parse(w.Body).RootElement.GetProperty("data").GetProperty("sampleId").GetGuid())
            .ShouldBe([other.Id, mine.Id]); // in order, and the other project only to the unscoped subscription
        receiver.At(scopedPath).Count.ShouldBe(1);
        await DeleteAsync(scoped);
        await DeleteAsync(all);
    }

    [Fact]
    public async Task A_500_is_retried_with_the_same_webhook_id_and_every_attempt_is_logged()
    {
        var path = receiver.NewEndpoint(n => new ReceiverAnswer(n == 1 ? 500 : 200));
        var hook = await RegisterAsync(path, ["sample.status_changed"]);
        var sample = await _lab.CreateSampleAsync();

        await _lab.MoveAsync(sample.Id, "received");

        var attempts = await receiver.WaitForAsync(path, 2, Patience);
        attempts[1].Id.ShouldBe(attempts[0].Id);
        attempts[1].Body.ShouldBe(attempts[0].Body);
        SignatureIsValid(attempts[1], hook.Secret).ShouldBeTrue();
        using var body = JsonDocument.Parse(attempts[0].Body);
        body.RootElement.GetProperty("data").GetProperty("from").GetString().ShouldBe("pending");
        body.RootElement.GetProperty("data").GetProperty("to").GetString().ShouldBe("received");
        var delivery = await WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "delivered");
        var log = delivery.GetProperty("attemptLog").EnumerateArray().ToList();
        log.Select(a => a.GetProperty("statusCode").GetInt32()).ShouldBe([500, 200]);
        log[0].GetProperty("error").GetString().ShouldBe("Answered 500.");
        await DeleteAsync(hook);
    }

    [Fact]
    public async Task A_subscription_failing_for_three_days_is_disabled_with_its_reason_and_is_sent_nothing_more()
    {
        var path = receiver.NewEndpoint(_ => new ReceiverAnswer(500));
        var hook = await RegisterAsync(path, ["sample.created"]);
        await _lab.CreateSampleAsync();
        await receiver.WaitForAsync(path, 1, Patience);

        // Three days of failures without waiting three days: the first failure is moved back as the clock would move it.
        await using (var db = new NpgsqlConnection(await fixture.GetConnectionStringAsync("samplesdb")))
        {
            await db.OpenAsync();
            await using var back = new NpgsqlCommand(
                "UPDATE webhook_subscriptions SET failing_since = now() - interval '3 days 1 minute' WHERE id = @id", db);
            back.Parameters.AddWithValue("id", hook.Id);
            (await back.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        await _lab.CreateSampleAsync(); // its failed delivery is the one that finds three days of failures

        var subscription = await WaitForSubscriptionAsync(hook, s => !s.GetProperty("enabled").GetBoolean());
        subscription.GetProperty("disabledReason").GetString().ShouldStartWith("Every delivery failed since ");
        var heard = receiver.At(path).Count;
        await _lab.CreateSampleAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // three retry intervals of the test configuration: long enough to be sent
        receiver.At(path).Count.ShouldBe(heard);
        await DeleteAsync(hook);
    }

    private async Task<JsonElement> WaitForSubscriptionAsync(Registered hook, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var admin = await _lab.AdminAsync();
            using var body = JsonDocument.Parse(await admin.GetStringAsync($"/api/webhooks/{hook.Id}"));
            if (done(body.RootElement))
            {
                return body.RootElement.Clone();
            }
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the subscription did not reach the expected state");
            await Task.Delay(250);
        }
    }

    private async Task<JsonElement> WaitForDeliveryAsync(Registered hook, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var found = (await DeliveriesAsync(hook)).EnumerateArray().FirstOrDefault(done);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the delivery did not reach the expected state");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Internal_targets_unknown_events_and_other_roles_are_refused()
    {
        using var admin = await _lab.AdminAsync();
        using var technician = await _lab.TechnicianAsync();

        using var metadata = await admin.PostAsJsonAsync(
            "/api/webhooks", new { url = "https://169.254.169.254/latest/meta-data", events = new[] { "sample.created" } });
        using var metadataHttp = await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://169.254.169.254/", events = new[] { "sample.created" } });
        using var unknown = await admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.BaseUrl + "/x", events = new[] { "sample.eaten" } });
        using var byTechnician = await technician.PostAsJsonAsync("/api/webhooks", new { url = receiver.BaseUrl + "/x", events = new[] { "sample.created" } });
        using var missing = await admin.GetAsync($"/api/webhooks/{Guid.NewGuid()}");

        metadata.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await metadata.Content.ReadAsStringAsync()).ShouldContain("link-local");
        metadataHttp.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await unknown.Content.ReadAsStringAsync();
        problem.ShouldContain("sample.eaten");
        problem.ShouldContain("run.status_changed"); // the valid ones are listed
        byTechnician.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_a_hanging_receiver_costs_only_the_time_out()
    {
        var target = receiver.NewEndpoint();
        var redirecting = receiver.NewEndpoint(_ => new ReceiverAnswer(301, Location: receiver.BaseUrl + target));
        var hanging = receiver.NewEndpoint(_ => new ReceiverAnswer(200, Delay: TimeSpan.FromSeconds(60)));
        var redirectHook = await RegisterAsync(redirecting, ["sample.created"]);
        var hangingHook = await RegisterAsync(hanging, ["sample.created"]);
        using var admin = await _lab.AdminAsync();
        var stopwatch = Stopwatch.StartNew();

        (await admin.PostAsync($"/api/webhooks/{redirectHook.Id}/test", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await admin.PostAsync($"/api/webhooks/{hangingHook.Id}/test", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var redirected = await WaitForDeliveryAsync(redirectHook, d => d.GetProperty("attemptLog").GetArrayLength() >= 1);
        var first = redirected.GetProperty("attemptLog")[0];
        first.GetProperty("statusCode").GetInt32().ShouldBe(301);
        first.GetProperty("error").GetString()!.ShouldContain("redirects are not followed");
        receiver.At(target).ShouldBeEmpty();
        var hung = await WaitForDeliveryAsync(hangingHook, d => d.GetProperty("attemptLog").GetArrayLength() >= 1);
        var attempt = hung.GetProperty("attemptLog")[0];
        attempt.GetProperty("error").GetString().ShouldBe("No answer within 10 s.");
        attempt.GetProperty("durationMs").GetInt32().ShouldBeInRange(9_500, 12_000);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(25)); // one time-out, not the receiver's minute
        using var body = JsonDocument.Parse(receiver.At(hanging)[0].Body);
        body.RootElement.GetProperty("type").GetString().ShouldBe("webhook.test");
        await DeleteAsync(redirectHook);
        await DeleteAsync(hangingHook);
    }

    [Fact]
    public async Task A_service_killed_after_its_commit_delivers_the_event_once_it_is_back()
    {
        var sequencing = new SequencingLab(fixture);
        var libraries = await sequencing.LibrariesAsync((SequencingLab.I7[5], SequencingLab.I5[5]));
        var pool = await sequencing.CreatePoolAsync(libraries.Select(l => l.Id));
        var run = await sequencing.CreateRunAsync(SequencingLab.RunBody("MiSeq", [(1, pool.Id)]));
        var path = receiver.NewEndpoint();
        var hook = await RegisterAsync(path, ["run.status_changed"]);

        // With the hub (Samples) down, Sequencing commits the move and its outbox row but cannot hand the event on…
        await fixture.StopResourceAsync("samples");
        try
        {
            using (var moved = await sequencing.MoveRunAsync(run.Id, "cancelled"))
            {
                moved.StatusCode.ShouldBe(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
            }
            // …and is then killed outright (SIGKILL), before it ever could.
            fixture.App.ResourceNotifications.TryGetCurrentState("sequencing", out var state).ShouldBeTrue();
            using var process = Process.GetProcessById(AppHostFixture.ProcessId(state!.Snapshot)!.Value);
            // The pid DCP reports is the `dotnet run` that hosts the service: kill the tree, or the service lives on orphaned.
            process.Kill(entireProcessTree: true);
            receiver.At(path).ShouldBeEmpty();
        }
        finally
        {
            (await fixture.App.ResourceCommands.ExecuteCommandAsync("samples", KnownResourceCommands.StartCommand)).Success.ShouldBeTrue();
            await fixture.StartAfterKillAsync("sequencing"); // a new process, once DCP has seen the killed one gone
        }

        var delivered = (await receiver.WaitForAsync(path, 1, TimeSpan.FromSeconds(60))).ShouldHaveSingleItem();
        SignatureIsValid(delivered, hook.Secret).ShouldBeTrue();
        using var body = JsonDocument.Parse(delivered.Body);
        body.RootElement.GetProperty("type").GetString().ShouldBe("run.status_changed");
        body.RootElement.GetProperty("data").GetProperty("runId").GetGuid().ShouldBe(run.Id);
        body.RootElement.GetProperty("data").GetProperty("from").GetString().ShouldBe("planned");
        body.RootElement.GetProperty("data").GetProperty("to").GetString().ShouldBe("cancelled");
        await DeleteAsync(hook);
    }
}
