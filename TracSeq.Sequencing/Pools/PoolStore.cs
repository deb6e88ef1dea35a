using System.Globalization;
using Dapper;
using Npgsql;

namespace TracSeq.Sequencing.Pools;

/// <summary>The SQL of the pools and pool_libraries tables.</summary>
public static class PoolStore
{
    public static async Task<string> NextBarcodeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset now)
    {
        var number = await connection.ExecuteScalarAsync<long>("SELECT nextval('pool_barcode_seq')", transaction: tx);
        return string.Create(CultureInfo.InvariantCulture, $"TS-POOL-{now.UtcDateTime:yyMMdd}-{number:D5}");
    }

    /// <summary>A new pool with its libraries in the order given.</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string barcode, string name,
        int m1, int m2, IReadOnlyList<Guid> libraryIds, Guid createdBy)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO pools (id, barcode, name, barcode_mismatches_index1, barcode_mismatches_index2, created_by)
            VALUES (@id, @barcode, @name, @m1, @m2, @createdBy)
            """, new { id, barcode, name, m1, m2, createdBy }, tx);
        await connection.ExecuteAsync(
            """
            INSERT INTO pool_libraries (pool_id, library_id, position)
            SELECT @id, library_id, position FROM unnest(@ids::uuid[]) WITH ORDINALITY AS l(library_id, position)
            """, new { id, ids = libraryIds.ToArray() }, tx);
    }
}
