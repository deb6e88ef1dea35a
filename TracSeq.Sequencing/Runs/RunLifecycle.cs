using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Npgsql;
using TracSeq.Contracts;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Indexing;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Outbox;

namespace TracSeq.Sequencing.Runs;

/// <summary>A run's life: what a plan may not hold, and each status move with the samples that move with it.</summary>
public static class RunLifecycle
{
    /// <summary>Why this plan cannot become a run now (a pool on an active run, a lane's indices too alike), or null.</summary>
    public static async Task<ProblemHttpResult?> PlanRefusalAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds,
        IReadOnlyList<(int Lane, IReadOnlyList<LaneLibrary> Libraries)> lanes, ReadCycles reads, int m1, int m2)
    {
        // A pool on a planned or sequencing run: its samples would move with that run, and this one could never start.
        var busy = await RunStore.PoolsOnActiveRunsAsync(connection, tx, poolIds);
        if (busy.Count > 0)
        {
            return Endpoints.Conflict(
                $"Pool {busy[0].Pool} is already on run {busy[0].Run}, which is {busy[0].Status}; nothing was created.",
                "A pool is on one active run at a time: complete, fail or cancel that run first.",
                new Dictionary<string, object?> { ["pools"] = busy.Select(b => new { pool = b.Pool, run = b.Run, status = b.Status }).ToList() });
        }
        var collisions = LanePlan.Collisions(lanes, reads, m1, m2);
        if (collisions.Count == 0)
        {
            return null;
        }
        SequencingMetrics.IndexCollisions.WithLabels("run").Inc(collisions.Sum(c => c.TotalCollisions));
        return Endpoints.Conflict(
            $"Libraries on lane(s) {string.Join(", ", collisions.Select(c => c.Lane))} have indices too similar to tell apart; nothing was created.",
            $"Each lane lists its first {IndexCollisionChecker.MaxReported} colliding pairs by library barcode, with totalCollisions and truncated.",
            new Dictionary<string, object?> { ["lanes"] = collisions });
    }

    /// <summary>The 409 for a move the run's status does not allow, or null.</summary>
    public static ProblemHttpResult? MoveRefusal(string from, string to)
    {
        var allowed = RunStatuses.AllowedMoves(from);
        return allowed.Contains(to) ? null : Endpoints.Conflict("This run status change is not allowed.",
            allowed.Count == 0 ? $"A run that is {from} does not change status any more." : $"A run that is {from} can move to: {string.Join(", ", allowed)}.",
            new Dictionary<string, object?> { ["from"] = from, ["to"] = to, ["allowed"] = allowed });
    }

    /// <summary>
    /// Moves the run's samples in Samples first (keyed by run and sample status, so a retry replays); a refusal when
    /// Samples is down (503) or refuses a sample (409, nothing moved), null when they moved or the move has no sample status.
    /// </summary>
    public static async Task<ProblemHttpResult?> MoveSamplesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SamplesClient samples,
        HttpContext http, (Guid Id, string Name) run, string from, string to, string? reason, CancellationToken ct)
    {
        if (RunStatuses.SampleStatusFor(to) is not { } sampleStatus)
        {
            return null;
        }
        var sampleIds = await RunStore.SampleIdsAsync(connection, tx, run.Id);
        RunMoveOutcome outcome;
        try
        {
            outcome = await samples.MoveForRunAsync(run.Id, run.Name, sampleStatus, reason, sampleIds,
                http.Request.Headers[HeaderNames.Authorization].ToString(), ct);
        }
        catch (SamplesUnavailableException e)
        {
            return Endpoints.SamplesUnavailable(e.Message);
        }
        if (outcome.Moved)
        {
            return null;
        }
        var first = outcome.Refused[0];
        return Endpoints.Conflict($"Samples refused to move the run's samples to {sampleStatus}; the run stays {from} and no sample moved.",
            first.From == "missing"
                ? $"Sample {first.Id} no longer exists."
                : $"Sample {first.Barcode} ({first.Id}) is {first.From} and cannot move to {sampleStatus}.",
            new Dictionary<string, object?> { ["from"] = from, ["to"] = to, ["refused"] = outcome.Refused });
    }

    /// <summary>The run's own move, its history, audit event and run.status_changed webhook, in the move's transaction.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user, TimeProvider clock,
        (Guid Id, string Name) run, string from, string to, string? reason)
    {
        await RunStore.SetStatusAsync(connection, tx, run.Id, to, clock);
        await RunStore.RecordStatusAsync(connection, tx, user, run.Id, from, to, reason);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Run, run.Id, "status_changed", new { from, to, reason });
        await Outbox.AddAsync(connection, tx, OutboxEvent.Create(WebhookEventTypes.RunStatusChanged, new RunStatusChangedData(run.Id, run.Name, from, to)));
    }
}
