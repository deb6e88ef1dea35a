using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace TracSeq.Samples.Samples;

/// <summary>
/// Generated barcodes are <c>TS-{TYPE}-{yyMMdd}-{n:D5}</c> with n from a database sequence, so they are unique
/// without a lookup. Client barcodes are capitals, digits and hyphens; the generated shape is reserved, so a client
/// barcode can never take a number the sequence will hand out later.
/// </summary>
public static partial class Barcodes
{
    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{3,49}$")]
    private static partial Regex ClientPattern();

    [GeneratedRegex("^TS-[A-Z]{3}-[0-9]{6}-[0-9]{5,}$")]
    private static partial Regex GeneratedPattern();

    /// <summary>Why a client barcode is refused, or null when it is acceptable.</summary>
    public static string? Problem(string barcode, string field) =>
        !ClientPattern().IsMatch(barcode)
            ? $"{field} must be 4 to 50 capital letters, digits or hyphens, starting with a letter or digit."
            : GeneratedPattern().IsMatch(barcode)
                ? $"{field}: barcodes shaped TS-TYPE-yyMMdd-nnnnn are reserved for the ones TracSeq generates; leave {field} out to get one."
                : null;

    public static string TypeCode(string sampleType) => sampleType switch
    {
        "dna" => "DNA",
        "rna" => "RNA",
        "blood" => "BLD",
        "saliva" => "SAL",
        "tissue" => "TIS",
        "cells" => "CEL",
        "plasma" => "PLS",
        _ => "OTH",
    };

    public static string Generate(string sampleType, DateTimeOffset day, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"TS-{TypeCode(sampleType)}-{day.UtcDateTime:yyMMdd}-{number:D5}");

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
