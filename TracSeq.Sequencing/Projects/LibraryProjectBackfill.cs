using System.Security.Claims;
using Dapper;
using Npgsql;
using TracSeq.Contracts.Internal;
using TracSeq.Sequencing.Audit;
using TracSeq.Samples.Client;

namespace TracSeq.Sequencing.Projects;

/// <summary>
/// Files libraries made before projects existed (no <c>project_id</c>) into their samples' projects, asking Samples a
/// batch of sample ids at a time. Runs at start-up on every replica: the update only touches rows still unfiled, so two
/// replicas never file (or audit) a library twice. A library whose sample Samples does not know stays unfiled (staff
/// only). While Samples is down it waits and tries again; a new library is always filed when it is made, so once a
/// pass completes there is nothing left for later passes.
/// </summary>
public sealed partial class LibraryProjectBackfill(NpgsqlDataSource db, SampleProjectsClient samples, ILogger<LibraryProjectBackfill> logger)
    : BackgroundService
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(15);

    /// <summary>Who the audit trail names for a filing no user asked for.</summary>
    private static readonly ClaimsPrincipal Filing = new(new ClaimsIdentity(
        [new Claim("sub", Guid.Empty.ToString()), new Claim("name", "filing of libraries made before projects")], "system"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var filed = await FileAllAsync(stoppingToken);
                if (filed > 0)
                {
                    LogFiled(filed);
                }
                return;
            }
            catch (Exception e) when (e is HttpRequestException or NpgsqlException or TimeoutException or Polly.ExecutionRejectedException
                                      || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                LogRetrying(e, RetryAfter.TotalSeconds);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    /// <summary>One pass over the unfiled libraries' samples in id order, a batch at a time; how many libraries it filed.</summary>
    public async Task<int> FileAllAsync(CancellationToken ct)
    {
        var filed = 0;
        var after = Guid.Empty;
        while (await UnfiledSamplesAsync(after, ct) is { Count: > 0 } sampleIds)
        {
            filed += await FileAsync(await samples.ProjectsOfAsync(sampleIds, ct), ct);
            after = sampleIds[^1];
        }
        return filed;
    }

    private async Task<IReadOnlyList<Guid>> UnfiledSamplesAsync(Guid after, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Guid>(
            "SELECT DISTINCT sample_id FROM libraries WHERE project_id IS NULL AND sample_id > @after ORDER BY sample_id LIMIT @limit",
            new { after, limit = SampleProjectsRequest.MaxSampleIds })];
    }

    /// <summary>Files the libraries of these samples that are still unfiled, each with a <c>project_changed</c> event.</summary>
    private async Task<int> FileAsync(IReadOnlyList<SampleProject> projects, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var filed = (await connection.QueryAsync<(Guid Id, Guid SampleId, Guid ProjectId)>(
            """
            UPDATE libraries l SET project_id = p.project_id, updated_at = now()
            FROM unnest(@sampleIds, @projectIds) AS p(sample_id, project_id)
            WHERE l.sample_id = p.sample_id AND l.project_id IS NULL
            RETURNING l.id, l.sample_id, l.project_id
            """,
            new { sampleIds = projects.Select(p => p.SampleId).ToArray(), projectIds = projects.Select(p => p.ProjectId).ToArray() }, tx)).ToList();
        foreach (var (id, sampleId, projectId) in filed)
        {
            await SequencingEvents.WriteAsync(connection, tx, Filing, EntityKinds.Library, id, "project_changed",
                new { sampleId, from = (Guid?)null, to = projectId });
        }
        await tx.CommitAsync(ct);
        return filed.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Filed {Count} libraries made before projects into their samples' projects")]
    private partial void LogFiled(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Filing libraries made before projects failed; trying again in {Seconds} s")]
    private partial void LogRetrying(Exception e, double seconds);
}
