using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Sequencing.Indexing;

namespace TracSeq.Sequencing.IndexChecks;

/// <summary>
/// What keeps a pool free of collisions after it is made. Every writer that can change what a pool's libraries read
/// takes its locks in one order, pools then libraries, each in id order: run planning (RunsApi), pool creation
/// (libraries only) and an index change (here), so none of them can check a state another is about to change.
/// </summary>
public static class PoolGuards
{
    /// <summary>Locks every pool holding the library, in id order, before the library itself is locked.</summary>
    public static Task LockPoolsOfAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid libraryId) =>
        connection.ExecuteAsync(
            "SELECT id FROM pools WHERE id IN (SELECT pool_id FROM pool_libraries WHERE library_id = @libraryId) ORDER BY id FOR UPDATE",
            new { libraryId }, tx);

    /// <summary>
    /// After the library's index changed (inside the same transaction): the first pool it would now collide in, as a 409,
    /// or null. Only pairs with the changed library are new, so each pool costs one comparison per other member.
    /// </summary>
    public static async Task<ProblemHttpResult?> CollisionAfterIndexChangeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid libraryId)
    {
        var rows = await connection.QueryAsync<(Guid PoolId, string PoolBarcode, short M1, short M2, Guid Id, string Barcode, string Index1, string? Index2)>(
            """
            SELECT p.id, p.barcode, p.barcode_mismatches_index1, p.barcode_mismatches_index2, l.id, l.barcode, l.index1, l.index2
            FROM pools p JOIN pool_libraries pl ON pl.pool_id = p.id JOIN libraries l ON l.id = pl.library_id
            WHERE p.id IN (SELECT pool_id FROM pool_libraries WHERE library_id = @libraryId)
            ORDER BY p.id, pl.position
            """, new { libraryId }, tx);
        foreach (var pool in rows.GroupBy(r => (r.PoolId, r.PoolBarcode, r.M1, r.M2)))
        {
            var changed = pool.First(r => r.Id == libraryId);
            var check = IndexCollisionChecker.CheckOne(new IndexEntry(changed.Barcode, changed.Index1, changed.Index2),
                [.. pool.Where(r => r.Id != libraryId).Select(r => new IndexEntry(r.Barcode, r.Index1, r.Index2))], pool.Key.M1, pool.Key.M2);
            if (!check.Ok)
            {
                SequencingMetrics.IndexCollisions.WithLabels("pool").Inc(check.TotalCollisions);
                return IndexChecksApi.CollisionConflict(check, string.Create(CultureInfo.InvariantCulture,
                    $"The new index collides with {check.TotalCollisions} other library(ies) of pool {pool.Key.PoolBarcode}; nothing was changed."));
            }
        }
        return null;
    }
}
