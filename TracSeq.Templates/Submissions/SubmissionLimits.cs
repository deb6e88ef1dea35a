using TracSeq.Contracts;

namespace TracSeq.Templates.Submissions;

/// <summary>
/// What one upload may be (README "Limits"). A 96-well plate is 96 rows; a large batch of plates is a few thousand.
/// Past these a sheet is almost certainly not a sample sheet, and holding it whole in memory stops being cheap.
/// </summary>
public static class SubmissionLimits
{
    public const long MaxFileBytes = 10 * 1024 * 1024;     // 413 above this
    public const long MaxRequestBytes = MaxFileBytes + 64 * 1024; // the file plus the multipart envelope and fields
    public const long MaxDrainedBytes = 64 * 1024 * 1024;  // read and dropped to answer 413 cleanly (gateway caps at 50 MiB)
    public const int MaxRows = 10_000;                      // data rows (the header not counted); 400 above this
    public const int MaxColumns = SampleLimits.MaxMetadataKeys; // 400 above this: every unmapped column is a metadata key
    public const int MaxReportedErrors = 1_000;             // the rest are counted in errorsOmitted (and not kept in memory)
    public const int MaxValueLength = 200;                  // a cell's value as quoted in an error, '…' when cut
    public const int MaxMessageLength = 300;                // an error message, '…' when cut
    public static readonly TimeSpan CheckBudget = TimeSpan.FromSeconds(60); // reading + checking one upload; 400 beyond
    public const int MaxZipEntries = 1_000;                 // a workbook has a few dozen parts
    public const long MaxUnzippedBytes = 256L * 1024 * 1024; // all parts of a workbook, inflated
    public const int MaxCompressionRatio = 200;             // per part over 1 MiB; real sheets stay far below
}
