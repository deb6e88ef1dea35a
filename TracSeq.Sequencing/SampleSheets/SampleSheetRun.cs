using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.SampleSheets;

/// <summary>The two Illumina sample-sheet formats: v1 for bcl2fastq (Illumina Experiment Manager), v2 for BCL Convert.</summary>
public enum SampleSheetFormat
{
    V1,
    V2,
}

/// <summary>One library on one lane. Index2 is in the forward orientation (as stored); the writer turns it round when the sheet needs it.</summary>
public sealed record SampleSheetRow(int Lane, string LibraryBarcode, string LibraryName, string Index1, string? Index2, string? Project);

/// <summary>Everything a sample sheet says about a run. Chemistry matters only for the NovaSeq 6000 (v1.0 | v1.5).</summary>
public sealed record SampleSheetRun(
    string RunName,
    string Instrument,
    string Chemistry,
    ReadCycles Reads,
    int BarcodeMismatchesIndex1,
    int BarcodeMismatchesIndex2,
    IReadOnlyList<SampleSheetRow> Rows)
{
    /// <summary>Written as the v1 header's Date only when given, so the same run always gives the same bytes.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>The v1 header's Index Adapters (e.g. the kit's display name); omitted when null.</summary>
    public string? IndexAdapters { get; init; }

    /// <summary>
    /// Adapter sequences for trimming (v1 Adapter/AdapterRead2, v2 AdapterRead1/AdapterRead2); omitted when null.
    /// Several adapters are joined by '+' and written so.
    /// </summary>
    public string? AdapterRead1 { get; init; }

    public string? AdapterRead2 { get; init; }

    /// <summary>The v2 sheet's [BCLConvert_Settings] SoftwareVersion (see <see cref="SampleSheetOptions"/>).</summary>
    public string SoftwareVersion { get; init; } = SampleSheetOptions.DefaultBclConvertVersion;
}
