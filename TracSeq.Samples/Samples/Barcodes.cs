using Dapper;
using Npgsql;

namespace TracSeq.Samples.Samples;

/// <summary>
/// Generated barcodes are <c>TS-{TYPE}-{yyMMdd}-{n:D5}</c> with n from a database sequence, so they are unique
/// without a lookup. The shapes are the shared <see cref="BarcodeRules"/>; this class says them in API terms and
/// talks to the database.
/// </summary>
public static class Barcodes
{
    /// <summary>Why a client barcode is refused, or null when it is acceptable.</summary>
    public static string? Problem(string barcode, string field) => BarcodeRules.Classify(barcode) switch
    {
        BarcodeShape.Malformed => $"{field} must be 4 to 50 capital letters, digits or hyphens, starting with a letter or digit.",
        BarcodeShape.Reserved => $"{field}: barcodes shaped TS-TYPE-yyMMdd-nnnnn are reserved for the ones TracSeq generates; leave {field} out to get one.",
        _ => null,
    };

    public static string Generate(string sampleType, DateTimeOffset day, long number) => BarcodeRules.Generate(sampleType, day, number);

    /// <summary>Takes <paramref name="count"/> numbers from the sequence in one round trip.</summary>
    public static async Task<long[]> NextNumbersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count) =>
        [.. await connection.QueryAsync<long>(
            "SELECT nextval('sample_barcode_seq') FROM generate_series(1, @count)", new { count }, transaction)];

    /// <summary>Which of these barcodes some sample already has.</summary>
    public static async Task<IReadOnlyList<string>> TakenAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> barcodes) =>
        barcodes.Count == 0
            ? []
            : [.. await connection.QueryAsync<string>(
                "SELECT barcode FROM samples WHERE barcode = ANY(@barcodes) ORDER BY barcode", new { barcodes = barcodes.ToArray() }, transaction)];
}
