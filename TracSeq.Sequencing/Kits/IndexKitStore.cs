using Dapper;
using Npgsql;

namespace TracSeq.Sequencing.Kits;

/// <summary>The reads of a stored index kit that resolving a library's index needs.</summary>
public static class IndexKitStore
{
    /// <summary>The kit's id, name and layout; an empty id when no kit has <paramref name="id"/>.</summary>
    public static Task<(Guid Id, string Name, bool FixedLayout)> KitAsync(NpgsqlConnection connection, Guid id) =>
        connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, bool FixedLayout)>(
            "SELECT id, name::text, fixed_layout FROM index_kits WHERE id = @id", new { id });

    /// <summary>The index names in a well of the kit, or null.</summary>
    public static Task<(string I7Name, string? I5Name)?> WellAsync(NpgsqlConnection connection, Guid kitId, string well) =>
        connection.QuerySingleOrDefaultAsync<(string I7Name, string? I5Name)?>(
            "SELECT i7_name, i5_name FROM index_kit_wells WHERE kit_id = @kitId AND well = @well", new { kitId, well });

    /// <summary>The sequences of the named i7 (read 1) and i5 (read 2) indices the kit has, by read.</summary>
    public static async Task<Dictionary<int, string>> SequencesAsync(NpgsqlConnection connection, Guid kitId, string? i7Name, string? i5Name) =>
        (await connection.QueryAsync<(int Read, string Name, string Sequence)>(
            "SELECT read, name, sequence FROM index_kit_indices WHERE kit_id = @kitId AND ((read = 1 AND name = @i7Name) OR (read = 2 AND name = @i5Name))",
            new { kitId, i7Name, i5Name })).ToDictionary(x => x.Read, x => x.Sequence);
}
