using System.Globalization;
using System.Text.RegularExpressions;

namespace TracSeq.Contracts;

/// <summary>What a client's barcode is, measured against the rules.</summary>
public enum BarcodeShape
{
    /// <summary>A barcode a client may use.</summary>
    Acceptable,
    /// <summary>Not 4 to 50 capital letters, digits or hyphens starting with a letter or digit.</summary>
    Malformed,
    /// <summary>Shaped like the barcodes TracSeq generates; reserved so a client cannot take a number the sequence will hand out.</summary>
    Reserved,
}

/// <summary>
/// Barcodes: generated ones are <c>TS-{TYPE}-{yyMMdd}-{n:D5}</c> (TYPE from <see cref="SampleTypes.BarcodeCode"/>, n from a
/// database sequence); a client's own is 4 to 50 capital letters, digits and hyphens, starting with a letter or digit.
/// The patterns end with <c>\z</c>, not <c>$</c>: <c>$</c> also matches before a final line feed, which would let
/// <c>"ABCD-1\n"</c> through.
/// </summary>
public static partial class BarcodeRules
{
    public const int MinLength = 4;
    public const int MaxLength = 50;

    /// <summary>The client barcode pattern as published in the API documentation.</summary>
    public const string ClientPatternText = @"\A[A-Z0-9][A-Z0-9-]{3,49}\z";

    /// <summary>The generated (reserved) barcode pattern.</summary>
    public const string GeneratedPatternText = @"\ATS-[A-Z]{3}-[0-9]{6}-[0-9]{5,}\z";

    /// <summary>The generated (reserved) shape of a storage location's barcode.</summary>
    public const string GeneratedLocationPatternText = @"\ALOC-[0-9]{5,}\z";

    [GeneratedRegex(ClientPatternText, RegexOptions.CultureInvariant)]
    private static partial Regex ClientPattern();

    [GeneratedRegex(GeneratedPatternText, RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedPattern();

    [GeneratedRegex(GeneratedLocationPatternText, RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedLocationPattern();

    /// <summary>Whether a barcode a client sends may be used (uniqueness is the database's to say).</summary>
    public static BarcodeShape Classify(string barcode) =>
        !ClientPattern().IsMatch(barcode) ? BarcodeShape.Malformed
        : GeneratedPattern().IsMatch(barcode) ? BarcodeShape.Reserved
        : BarcodeShape.Acceptable;

    /// <summary>
    /// The same for a storage location: the client shape, and <c>LOC-nnnnn</c> reserved. A location may carry a
    /// sample-shaped barcode (<c>TS-…</c>): the two never meet in one lookup.
    /// </summary>
    public static BarcodeShape ClassifyLocation(string barcode) =>
        !ClientPattern().IsMatch(barcode) ? BarcodeShape.Malformed
        : GeneratedLocationPattern().IsMatch(barcode) ? BarcodeShape.Reserved
        : BarcodeShape.Acceptable;

    /// <summary>The barcode of the <paramref name="number"/>th storage location.</summary>
    public static string GenerateLocation(long number) => string.Create(CultureInfo.InvariantCulture, $"LOC-{number:D5}");

    /// <summary>Whether the barcode has the shape TracSeq generates.</summary>
    public static bool IsGenerated(string barcode) => GeneratedPattern().IsMatch(barcode);

    /// <summary>The barcode for the <paramref name="number"/>th sample, made on <paramref name="day"/> (UTC date).</summary>
    public static string Generate(string sampleType, DateTimeOffset day, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"TS-{SampleTypes.BarcodeCode(sampleType)}-{day.UtcDateTime:yyMMdd}-{number:D5}");
}
