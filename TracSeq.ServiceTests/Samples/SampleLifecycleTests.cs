using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.UnitTests.Contracts;

namespace TracSeq.ServiceTests.Samples;

/// <summary>The lifecycle of docs/lifecycle.md, tried for every (from, to) pair through the gateway.</summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SampleLifecycleTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    /// <summary>The contract, written out independently of the service's own table (shared with the unit tier).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> Contract = LifecycleContract.Moves;

    public static TheoryData<string> Statuses => [.. Contract.Keys];

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task Every_move_from_a_status_is_allowed_or_refused_exactly_as_the_contract_says(string from)
    {
        var targets = Contract.Keys.ToList();
        var ids = await _lab.CreateBatchAsync(targets.Count);
        await _lab.BulkMoveAsync(ids, SampleLab.PathTo(from));
        using var admin = await _lab.AdminAsync(); // may make every move, so only the rules decide

        var mismatches = new List<string>();
        for (var i = 0; i < targets.Count; i++)
        {
            var to = targets[i];
            using var response = await admin.PostAsJsonAsync($"/api/samples/{ids[i]}/status", new { to, reason = "contract check" });
            var allowed = Contract[from].Contains(to);
            if (allowed && response.StatusCode == HttpStatusCode.OK)
            {
                (await response.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!.Status.ShouldBe(to);
                continue;
            }
            if (!allowed && response.StatusCode == HttpStatusCode.Conflict)
            {
                var problem = await SampleLab.ProblemAsync(response);
                problem.GetProperty("from").GetString().ShouldBe(from);
                problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()).ShouldBe(Contract[from], ignoreOrder: true);
                (await _lab.GetSampleAsync(ids[i])).Status.ShouldBe(from);
                continue;
            }
            mismatches.Add($"{from} → {to}: expected {(allowed ? "200" : "409")}, got {(int)response.StatusCode}");
        }
        mismatches.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("pending", "rejected")]
    [InlineData("validated", "failed")]
    [InlineData("received", "discarded")]
    public async Task Leaving_the_normal_path_needs_a_reason_and_the_reason_is_kept(string from, string to)
    {
        var sample = await _lab.CreateSampleAsync();
        await _lab.MoveAsync(sample.Id, SampleLab.PathTo(from));
        using var admin = await _lab.AdminAsync();

        using var missing = await admin.PostAsJsonAsync($"/api/samples/{sample.Id}/status", new { to });
        using var blank = await admin.PostAsJsonAsync($"/api/samples/{sample.Id}/status", new { to, reason = "   " });
        using var given = await admin.PostAsJsonAsync($"/api/samples/{sample.Id}/status", new { to, reason = "Tube cracked in transit" });

        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(missing)).ShouldBe(["reason"]);
        blank.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        given.StatusCode.ShouldBe(HttpStatusCode.OK);
        var last = (await _lab.EventsAsync(sample.Id))[^1];
        (last.Type, last.FromStatus, last.ToStatus, last.Reason).ShouldBe(("status_changed", from, to, "Tube cracked in transit"));
    }

    [Theory]
    [InlineData("lab_technician")]
    [InlineData("principal_investigator")]
    public async Task Only_a_lab_administrator_may_discard(string role)
    {
        var sample = await _lab.CreateSampleAsync();
        using var client = await _lab.AsAsync(role);

        using var single = await client.PostAsJsonAsync($"/api/samples/{sample.Id}/status", new { to = "discarded", reason = "spilled" });
        using var bulk = await client.PostAsJsonAsync("/api/samples/bulk/status", new { ids = new[] { sample.Id }, to = "discarded", reason = "spilled" });

        single.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        bulk.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _lab.GetSampleAsync(sample.Id)).Status.ShouldBe("pending");
        (await _lab.MoveAsync(sample.Id, "discarded")).Status.ShouldBe("discarded"); // as an administrator
    }

    [Fact]
    public async Task Receiving_stamps_the_time_of_receipt_and_counts_the_transition()
    {
        var sample = await _lab.CreateSampleAsync();
        var before = await TransitionCountAsync("pending", "received");

        var received = await _lab.MoveAsync(sample.Id, "received");

        received.ReceivedAt.ShouldNotBeNull().ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        (await TransitionCountAsync("pending", "received")).ShouldBe(before + 1);
    }

    [Fact]
    public async Task A_bulk_change_with_one_sample_that_may_not_move_changes_nothing()
    {
        var ids = await _lab.CreateBatchAsync(4);
        await _lab.BulkMoveAsync([ids[3]], "received", "validated");
        using var technician = await _lab.TechnicianAsync();

        using var refused = await technician.PostAsJsonAsync("/api/samples/bulk/status", new { ids, to = "received" });
        using var missing = await technician.PostAsJsonAsync("/api/samples/bulk/status", new { ids = ids.Take(3).Append(Guid.NewGuid()), to = "received" });

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await SampleLab.ProblemAsync(refused);
        problem.GetProperty("refused").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ShouldBe([ids[3]]);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var id in ids.Take(3))
        {
            (await _lab.GetSampleAsync(id)).Status.ShouldBe("pending");
            (await _lab.EventsAsync(id)).Select(e => e.Type).ShouldBe(["created"]);
        }

        using var accepted = await technician.PostAsJsonAsync("/api/samples/bulk/status", new { ids = ids.Take(3), to = "received" });

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        foreach (var id in ids.Take(3))
        {
            (await _lab.GetSampleAsync(id)).Status.ShouldBe("received");
            (await _lab.EventsAsync(id)).Select(e => e.Type).ShouldBe(["created", "status_changed"]);
        }
    }

    private async Task<double> TransitionCountAsync(string from, string to)
    {
        using var client = fixture.CreateClient();
        var metrics = await client.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, $"^tracseq_sample_status_transitions_total\\{{from=\"{from}\",to=\"{to}\"\\}} (\\S+)$", RegexOptions.Multiline);
        match.Success.ShouldBeTrue($"no series for {from} → {to}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
