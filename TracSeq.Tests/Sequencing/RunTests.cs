using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Sequencing;

/// <summary>
/// Runs through the gateway: planning rules (instrument lanes, index length against cycles, run names, collisions per
/// lane), status moves that move the samples in Samples all or nothing, and the sample sheets.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RunTests(AppHostFixture fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    private async Task<(PoolInfo Pool, IReadOnlyList<LibraryInfo> Libraries)> PoolAsync(params int[] indices)
    {
        var libraries = await _lab.LibrariesAsync([.. indices.Select(i => (SequencingLab.I7[i], (string?)SequencingLab.I5[i]))]);
        return (await _lab.CreatePoolAsync(libraries.Select(l => l.Id)), libraries);
    }

    [Fact]
    public async Task Starting_and_completing_a_run_moves_its_samples_and_libraries_and_each_sample_trail_names_the_run()
    {
        var (pool, libraries) = await PoolAsync(3, 4);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NextSeq2000", [(1, pool.Id), (2, pool.Id)], name: "Run 7 lung"));

        using var started = await _lab.MoveRunAsync(run.Id, "sequencing");
        started.StatusCode.ShouldBe(HttpStatusCode.OK, await started.Content.ReadAsStringAsync());
        foreach (var library in libraries)
        {
            (await _lab.Samples.GetSampleAsync(library.SampleId)).Status.ShouldBe("in_sequencing");
            var moved = (await _lab.Samples.EventsAsync(library.SampleId)).Last();
            moved.ToStatus.ShouldBe("in_sequencing");
            moved.Reason.ShouldBe($"Run Run 7 lung ({run.Id}) started.");
        }

        using var completed = await _lab.MoveRunAsync(run.Id, "completed");
        completed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var done = await _lab.GetRunAsync(run.Id);
        done.Status.ShouldBe("completed");
        done.History.Select(h => (h.From, h.To)).ShouldBe([(null, "planned"), ("planned", "sequencing"), ("sequencing", "completed")]);
        done.History.ShouldAllBe(h => h.TraceId != null && h.ActorEmail != null);
        foreach (var library in libraries)
        {
            (await _lab.Samples.GetSampleAsync(library.SampleId)).Status.ShouldBe("completed");
            using var client = await _lab.AsAsync("guest");
            (await client.GetFromJsonAsync<LibraryInfo>($"/api/libraries/{library.Id}", SequencingLab.Json))!.Status.ShouldBe("sequenced");
        }

        using var backwards = await _lab.MoveRunAsync(run.Id, "sequencing");
        backwards.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_failed_run_needs_a_reason_and_fails_its_samples_with_it()
    {
        var (pool, libraries) = await PoolAsync(5);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("MiSeq", [(1, pool.Id)], name: "Run 9"));
        (await _lab.MoveRunAsync(run.Id, "sequencing")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var failuresBefore = await RunsCounterAsync("failed");

        using var noReason = await _lab.MoveRunAsync(run.Id, "failed");
        using var failed = await _lab.MoveRunAsync(run.Id, "failed", "Flow cell clogged");

        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        failed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var sample = await _lab.Samples.GetSampleAsync(libraries[0].SampleId);
        sample.Status.ShouldBe("failed");
        (await _lab.Samples.EventsAsync(sample.Id)).Last().Reason.ShouldBe($"Run Run 9 ({run.Id}) failed: Flow cell clogged");
        (await RunsCounterAsync("failed")).ShouldBe(failuresBefore + 1);
    }

    [Fact]
    public async Task With_samples_stopped_a_run_move_is_a_fast_503_and_the_retry_moves_every_sample_exactly_once()
    {
        var (pool, libraries) = await PoolAsync(0, 1);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("HiSeq4000", [(1, pool.Id)]));
        using var client = await _lab.AsAsync("lab_technician"); // signed in before the outage

        await fixture.StopResourceAsync("samples");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            using var down = await _lab.MoveRunAsync(run.Id, "sequencing", client: client);
            var took = stopwatch.Elapsed;

            down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await down.Content.ReadAsStringAsync());
            took.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            (await SampleLab.ProblemAsync(down)).GetProperty("title").GetString().ShouldBe("The Samples service is unavailable; nothing was changed.");
            (await _lab.GetRunAsync(run.Id)).Status.ShouldBe("planned");
        }
        finally
        {
            await fixture.StartResourceAsync("samples");
        }
        foreach (var library in libraries)
        {
            (await _lab.Samples.GetSampleAsync(library.SampleId)).Status.ShouldBe("validated");
        }

        using var retry = await _lab.MoveRunAsync(run.Id, "sequencing", client: client);
        using var again = await _lab.MoveRunAsync(run.Id, "sequencing", client: client);

        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict); // the run already moved
        foreach (var library in libraries)
        {
            (await _lab.Samples.EventsAsync(library.SampleId)).Count(e => e.ToStatus == "in_sequencing").ShouldBe(1);
        }
        (await _lab.GetRunAsync(run.Id)).History.Count(h => h.To == "sequencing").ShouldBe(1);
    }

    [Fact]
    public async Task A_technicians_token_alone_cannot_move_samples_through_the_internal_run_route()
    {
        var (_, libraries) = await PoolAsync(4, 5);
        var sampleIds = libraries.Select(l => l.SampleId).Order().ToList();
        using var samples = await _lab.AsAsync("lab_technician", "samples");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/run-status")
        {
            Content = JsonContent.Create(new { runId = Guid.NewGuid(), runName = "Not a run", to = "in_sequencing", reason = (string?)null, sampleIds }),
        };
        request.Headers.Add("Idempotency-Key", $"run:{Guid.NewGuid()}:in_sequencing");

        using var refused = await samples.SendAsync(request);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, await refused.Content.ReadAsStringAsync());
        foreach (var id in sampleIds)
        {
            (await _lab.Samples.GetSampleAsync(id)).Status.ShouldNotBe("in_sequencing");
        }
    }

    [Fact]
    public async Task When_samples_committed_a_move_the_run_did_not_record_the_retry_completes_it_without_moving_twice()
    {
        var (pool, libraries) = await PoolAsync(2, 3);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], name: "Run crash"));
        // What Sequencing sends before it commits: Samples commits, then (here) the run's own commit never happens.
        var sampleIds = libraries.Select(l => l.SampleId).Order().ToList();
        using (var samples = await _lab.AsAsync("lab_technician", "samples"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/run-status")
            {
                Content = JsonContent.Create(new { runId = run.Id, runName = "Run crash", to = "in_sequencing", reason = (string?)null, sampleIds }),
            };
            request.Headers.Add("Idempotency-Key", $"run:{run.Id}:in_sequencing");
            await ServiceIdentityHeader.SignAsync(fixture, request, "sequencing");
            using var committed = await samples.SendAsync(request);
            committed.StatusCode.ShouldBe(HttpStatusCode.OK, await committed.Content.ReadAsStringAsync());
        }
        (await _lab.GetRunAsync(run.Id)).Status.ShouldBe("planned");

        using var retry = await _lab.MoveRunAsync(run.Id, "sequencing");

        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
        (await _lab.GetRunAsync(run.Id)).Status.ShouldBe("sequencing");
        foreach (var id in sampleIds)
        {
            (await _lab.Samples.GetSampleAsync(id)).Status.ShouldBe("in_sequencing");
            (await _lab.Samples.EventsAsync(id)).Count(e => e.ToStatus == "in_sequencing").ShouldBe(1);
        }
    }

    private async Task<double> RunsCounterAsync(string status)
    {
        using var sequencing = fixture.CreateClient("sequencing");
        var metrics = await sequencing.GetStringAsync("/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith($"tracseq_runs_total{{status=\"{status}\"}}", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
