namespace TracSeq.Sequencing.Results.Import;

/// <summary>
/// A refused import: the status (400, 409, 413), the file and the line or element it concerns. Nothing is stored when
/// one is thrown: the import reads every file before it opens a transaction.
/// </summary>
public sealed class ResultsImportException(int status, string file, string? location, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string File { get; } = file;
    public string? Location { get; } = location;

    public static ResultsImportException Bad(string file, string? location, string message) => new(StatusCodes.Status400BadRequest, file, location, message);
}

/// <summary>One read of RunInfo.xml: cycles, whether it is an index read, and whether the instrument reverse-complements it.</summary>
public sealed record RunRead(int Number, int Cycles, bool IsIndexed, bool IsReverseComplement);

public sealed record RunInfoData(string RunId, string Flowcell, string? Instrument, int? LaneCount, IReadOnlyList<RunRead> Reads)
{
    private IReadOnlyList<RunRead> Indexed => [.. Reads.Where(r => r.IsIndexed).OrderBy(r => r.Number)];
    private IReadOnlyList<RunRead> Data => [.. Reads.Where(r => !r.IsIndexed).OrderBy(r => r.Number)];

    public int Read1Cycles => Data.Count > 0 ? Data[0].Cycles : 0;
    public int Read2Cycles => Data.Count > 1 ? Data[1].Cycles : 0;
    public int Index1Cycles => Indexed.Count > 0 ? Indexed[0].Cycles : 0;
    public int Index2Cycles => Indexed.Count > 1 ? Indexed[1].Cycles : 0;

    /// <summary>NovaSeq X and NextSeq 1000/2000 mark the Index 2 read so: the reports then carry i5 as sequenced.</summary>
    public bool Index2ReverseComplement => Indexed.Count > 1 && Indexed[1].IsReverseComplement;
}

public sealed record RunParametersData(string? FlowcellType, string? Source);

public sealed record CompletionData(bool CompletedAsPlanned, string Status, string? Error);

/// <summary>One row of Demultiplex_Stats.csv (or a bcl2fastq DemuxResult): per lane and Sample_ID.</summary>
public sealed record DemuxRow(
    int Lane, string SampleId, string? Index, long Reads, long PerfectReads, long OneMismatchReads, long? TwoMismatchReads,
    long? Yield, long? YieldQ30)
{
    public bool IsUndetermined => SampleId.Equals("Undetermined", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One row of Quality_Metrics.csv: per lane, sample and read.</summary>
public sealed record QualityRow(int Lane, string SampleId, int ReadNumber, long Yield, long YieldQ30);

/// <summary>A barcode no sample claimed, as the demultiplexer reported it (i5 as sequenced).</summary>
public sealed record UnknownBarcode(int Lane, string Index, string? Index2, long Reads);

/// <summary>A hopped pair from Index_Hopping_Counts.csv (the rows with an empty SampleID).</summary>
public sealed record HoppedPair(int Lane, string Index, string Index2, long Reads);

/// <summary>Everything read from one demultiplexing job's files.</summary>
public sealed record JobData(
    string Job, RunInfoData RunInfo, RunParametersData? Parameters, CompletionData? Completion,
    IReadOnlyList<DemuxRow> Demux, IReadOnlyList<QualityRow> Quality, IReadOnlyList<UnknownBarcode> Unknown,
    IReadOnlyList<HoppedPair> Hopped, IReadOnlyDictionary<int, long> ClustersPf, IReadOnlyList<string> Warnings);

/// <summary>A file of an import, named as it was sent, with its SHA-256 (hex, lower case).</summary>
public sealed record ImportedFile(string Name, string Sha256);
