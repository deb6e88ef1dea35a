namespace TracSeq.Contracts;

/// <summary>
/// How much a sample's fields may hold. Samples enforces them on every create, batch and edit; Templates checks
/// sheets against the same numbers, so a sheet that passes there commits.
/// </summary>
public static class SampleLimits
{
    public const int MaxNameLength = 200;
    public const int MaxNotesLength = 4000;
    /// <summary>Metadata (the sheet's columns that map to no sample field) as JSON text.</summary>
    public const int MaxMetadataLength = 16 * 1024;
    public const int MaxMetadataKeys = 100;
    public const int MaxMetadataKeyLength = 100;
    /// <summary>µL: a litre.</summary>
    public const decimal MaxVolume = 1_000_000m;
    /// <summary>ng/µL.</summary>
    public const decimal MaxConcentration = 1_000_000m;
    /// <summary>RIN, DIN, percentages: all fit in 0..100.</summary>
    public const decimal MaxQualityScore = 100m;
    public const int EarliestCollectionYear = 1900;
    /// <summary>Clock skew allowed for a collection time "now" written on another machine.</summary>
    public static readonly TimeSpan CollectedAtSkew = TimeSpan.FromMinutes(5);

    /// <summary>An amount (volume, concentration, quality score) is never negative and at most its maximum.</summary>
    public static bool IsInRange(decimal value, decimal max) => value >= 0 && value <= max;

    /// <summary>Not in the future (beyond the skew) and not before <see cref="EarliestCollectionYear"/>.</summary>
    public static bool IsCollectedAtInFuture(DateTimeOffset value, DateTimeOffset now) => value > now + CollectedAtSkew;

    /// <summary>Before <see cref="EarliestCollectionYear"/>: a typo, not a sample.</summary>
    public static bool IsCollectedAtTooEarly(DateTimeOffset value) => value.Year < EarliestCollectionYear;
}
