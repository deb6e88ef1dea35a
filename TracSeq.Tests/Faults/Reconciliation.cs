using System.Net.Http.Json;
using Npgsql;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Faults;

/// <summary>
/// What a load's clients were told, checked against Samples' database and read back through the gateway. Every
/// count here must be zero for "nothing lost": a 201 whose sample is missing, a key that made two samples, a
/// submission with some of its rows, a sample or an answered move without its audit event, a sample whose status
/// its audit trail does not explain, and a read through the gateway that disagrees with the database (a stale cache).
/// </summary>
public sealed record Reconciliation(
    int Missing, int Duplicated, int IncompleteSubmissions, int PartialUploads, int WithoutCreatedEvent,
    int UnauditedMoves, int UnexplainedStatuses, int StaleReads)
{
    public bool NothingLost => this is
    {
        Missing: 0, Duplicated: 0, IncompleteSubmissions: 0, PartialUploads: 0, WithoutCreatedEvent: 0,
        UnauditedMoves: 0, UnexplainedStatuses: 0, StaleReads: 0,
    };

    public static async Task<Reconciliation> CheckAsync(MixedLoad load, SampleLab lab)
    {
        // Unpooled: a pooled connection of this test process may date from before PostgreSQL was restarted.
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(
            await lab.Fixture.GetConnectionStringAsync("samplesdb")) { Pooling = false }.ConnectionString);
        await db.OpenAsync();
        var created = load.Creates.Select(c => c.Id).ToArray();
        var everySample = created.Concat(load.Submissions.SelectMany(s => s.SampleIds)).ToArray();
        var moved = load.Moves.Select(m => m.SampleId).Distinct().ToArray();

        var missing = await CountAsync(db, "SELECT count(*) FROM unnest(@ids) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.id = x.id)",
            ("ids", everySample));
        var duplicated = await CountAsync(db, "SELECT count(*) FROM (SELECT name FROM samples WHERE name = ANY(@names) GROUP BY name HAVING count(*) > 1) d",
            ("names", load.TriedNames.ToArray()));
        var incomplete = await CountAsync(db, """
            SELECT count(*) FROM unnest(@ids, @expected) AS x(id, expected)
            WHERE (SELECT count(*) FROM samples s WHERE s.submission_id = x.id) <> x.expected
            """, ("ids", load.Submissions.Select(s => s.SubmissionId).ToArray()), ("expected", load.Submissions.Select(s => s.SampleIds.Count).ToArray()));
        // Answered or not, an upload is all or nothing: its 100 barcodes are either all there or none is.
        var partial = await CountAsync(db, """
            SELECT count(*) FROM unnest(@prefixes) AS p(prefix)
            WHERE (SELECT count(*) FROM samples s WHERE s.barcode LIKE p.prefix || '-%') NOT IN (0, 100)
            """, ("prefixes", load.TriedPrefixes.ToArray()));
        var withoutCreated = await CountAsync(db, """
            SELECT count(*) FROM unnest(@ids) AS x(id)
            WHERE (SELECT count(*) FROM sample_events e WHERE e.sample_id = x.id AND e.type = 'created') <> 1
            """, ("ids", everySample));
        var unaudited = await CountAsync(db, """
            SELECT count(*) FROM unnest(@ids, @tos) AS m(id, to_status)
            WHERE NOT EXISTS (SELECT 1 FROM sample_events e WHERE e.sample_id = m.id AND e.type = 'status_changed' AND e.to_status = m.to_status)
            """, ("ids", load.Moves.Select(m => m.SampleId).ToArray()), ("tos", load.Moves.Select(m => m.To).ToArray()));
        var unexplained = await CountAsync(db, """
            SELECT count(*) FROM samples s WHERE s.id = ANY(@ids) AND s.status <> coalesce(
                (SELECT e.to_status FROM sample_events e WHERE e.sample_id = s.id AND e.type = 'status_changed' ORDER BY e.id DESC LIMIT 1),
                'pending')
            """, ("ids", everySample));
        return new Reconciliation(missing, duplicated, incomplete, partial, withoutCreated, unaudited, unexplained,
            await StaleReadsAsync(db, lab, moved));
    }

    /// <summary>Moved samples whose status read through the gateway is not the one in the database.</summary>
    private static async Task<int> StaleReadsAsync(NpgsqlConnection db, SampleLab lab, Guid[] ids)
    {
        var inDatabase = new Dictionary<Guid, string>();
        await using (var command = new NpgsqlCommand("SELECT id, status FROM samples WHERE id = ANY(@ids)", db))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inDatabase[reader.GetGuid(0)] = reader.GetString(1);
            }
        }
        using var guest = await lab.AsAsync("guest");
        var stale = 0;
        foreach (var id in ids)
        {
            var read = await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/{id}", SampleLab.Json);
            stale += read!.Status == inDatabase[id] ? 0 : 1;
        }
        return stale;
    }

    private static async Task<int> CountAsync(NpgsqlConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
