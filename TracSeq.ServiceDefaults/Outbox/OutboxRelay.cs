using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Prometheus;

namespace TracSeq.ServiceDefaults.Outbox;

/// <summary>
/// Sends the outbox, oldest first, at least once: a batch is locked (<c>FOR UPDATE SKIP LOCKED</c>, so replicas take
/// different batches), handed to the <see cref="IOutboxSink"/>, and deleted in the same transaction only once the sink
/// succeeded. A crash or a failing sink leaves the rows to be sent again; the receiver keeps each event id once.
/// </summary>
public sealed class OutboxRelay(IServiceProvider services, NpgsqlDataSource db, IConfiguration configuration, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    public const int BatchSize = 100;

    public static readonly Gauge OldestSeconds = Prometheus.Metrics.CreateGauge("tracseq_webhook_outbox_oldest_seconds",
        "Age of the oldest event in this service's outbox not yet handed on (0 when the outbox is empty).");

    private TimeSpan Idle => configuration.GetValue("TracSeq:Outbox:PollInterval", TimeSpan.FromMilliseconds(250));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await RelayBatchAsync(stoppingToken);
                failures = 0;
                if (sent < BatchSize)
                {
                    await Task.Delay(Idle, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The events stay in the outbox; back off up to 10 s so a long outage costs little and a short one little delay.
                failures++;
                logger.LogWarning("Outbox relay failed ({Failures} in a row), will retry: {Message}", failures, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 500 * Math.Pow(2, failures - 1))), stoppingToken);
            }
        }
    }

    private async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<OutboxRow>(
            """
            SELECT id, type, occurred_at AS occurredat, project_code AS projectcode, data::text AS data,
                   extract(epoch FROM now() - created_at)::float8 AS ageseconds
            FROM outbox ORDER BY created_at, id LIMIT @limit FOR UPDATE SKIP LOCKED
            """, new { limit = BatchSize }, tx)).ToList();
        OldestSeconds.Set(rows.Count == 0 ? 0 : rows[0].AgeSeconds);
        if (rows.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }

        var events = rows.Select(r => new OutboxEvent(r.Id, r.Type, r.OccurredAt, r.ProjectCode, JsonDocument.Parse(r.Data).RootElement.Clone())).ToList();
        await using var scope = services.CreateAsyncScope();
        var sink = scope.ServiceProvider.GetRequiredService<IOutboxSink>();
        await sink.SendAsync(connection, tx, events, ct);
        await connection.ExecuteAsync("DELETE FROM outbox WHERE id = ANY(@ids)", new { ids = rows.Select(r => r.Id).ToArray() }, tx);
        await tx.CommitAsync(ct);
        sink.Committed();
        return rows.Count;
    }

    private sealed class OutboxRow
    {
        public Guid Id { get; init; }
        public string Type { get; init; } = "";
        public DateTime OccurredAt { get; init; }
        public string? ProjectCode { get; init; }
        public string Data { get; init; } = "";
        public double AgeSeconds { get; init; }
    }
}

public static class OutboxExtensions
{
    /// <summary>Relays this service's outbox to <typeparamref name="TSink"/> (scoped: resolved per batch).</summary>
    public static IHostApplicationBuilder AddOutboxRelay<TSink>(this IHostApplicationBuilder builder) where TSink : class, IOutboxSink
    {
        builder.Services.TryAddScoped<TSink>(); // a typed HttpClient sink is registered already
        builder.Services.AddScoped<IOutboxSink>(sp => sp.GetRequiredService<TSink>());
        builder.Services.AddHostedService<OutboxRelay>();
        OutboxRelay.OldestSeconds.Set(0);
        return builder;
    }
}
