using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TracSeq.Sequencing.Results.Import;

/// <summary>The bounds of one import, each stated in docs/sequencing.md.</summary>
public static class ResultsLimits
{
    public const int MaxImportBytes = 50 * 1024 * 1024;            // the files (or the zip's content), 413 above
    public const long MaxRequestBytes = MaxImportBytes + 256 * 1024; // plus the multipart envelope and the job field
    public const int MaxRowsPerFile = 200_000;
    public const int MaxFiles = 32;                                  // parts of a multipart import
    public const int MaxZipEntries = 1_000;                          // a Reports folder has about a dozen
    public const int MaxZipRatio = 200;                              // uncompressed ÷ compressed per entry; CSVs compress ~10×
}

/// <summary>
/// Turns a multipart body into named files: one part per file (the part's file name says what it is), or one .zip whose
/// entries are matched by their base name. A zip is checked from its central directory before any entry is read:
/// entry count, declared sizes against the import limit, compression ratio; each entry is then read through a bounded
/// stream, so a lying header cannot inflate past the limit. Files TracSeq does not read (fastq_list.csv,
/// SampleSheet.csv, …) are listed as ignored.
/// </summary>
public static partial class ResultsUpload
{
    public static readonly IReadOnlyList<string> Known =
    [
        RunInfoReader.FileName, RunParametersReader.FileName, CompletionStatusReader.FileName, DemultiplexStatsReader.FileName,
        QualityMetricsReader.FileName, TopUnknownReader.FileName, IndexHoppingReader.FileName, Bcl2FastqStatsReader.FileName,
    ];

    public sealed record Upload(string Job, IReadOnlyDictionary<string, byte[]> Files, IReadOnlyList<ImportedFile> Checksums, IReadOnlyList<string> Ignored);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex JobName();

    public static async Task<Upload> ReadAsync(IFormCollection form, CancellationToken ct)
    {
        var job = form["job"].ToString() is { Length: > 0 } j ? j.Trim() : "default";
        if (!JobName().IsMatch(job))
        {
            throw ResultsImportException.Bad("job", null, "job is 1 to 64 letters, digits, '.', '-' or '_' (e.g. the OverrideCycles of the job).");
        }
        if (form.Files.Count is 0 or > ResultsLimits.MaxFiles)
        {
            throw ResultsImportException.Bad("files", null, string.Create(CultureInfo.InvariantCulture,
                $"Send 1 to {ResultsLimits.MaxFiles} files (RunInfo.xml, Reports/*.csv or Stats.json), or one .zip of them."));
        }
        var raw = new List<(string Name, byte[] Content)>();
        long total = 0;
        foreach (var file in form.Files)
        {
            total += file.Length;
            if (total > ResultsLimits.MaxImportBytes)
            {
                throw TooLarge(file.FileName);
            }
            using var stream = new MemoryStream((int)file.Length);
            await file.CopyToAsync(stream, ct);
            raw.Add((Path.GetFileName(file.FileName.Replace('\\', '/')), stream.ToArray()));
        }
        if (raw.Count == 1 && raw[0].Name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            raw = Unzip(raw[0].Name, raw[0].Content);
        }
        var (files, ignored) = Classify(raw);
        var sums = files
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new ImportedFile(f.Key, Convert.ToHexStringLower(SHA256.HashData(f.Value))))
            .ToList();
        return new Upload(job, files, sums, ignored);
    }

    /// <summary>
    /// The files TracSeq reads, by their canonical name, and the names of the rest. A zip of a BCL Convert output folder
    /// often holds RunInfo.xml twice (the run folder's and the copy in Reports/): the same bytes twice count once; two
    /// different files of one name are two jobs sent together, which is refused.
    /// </summary>
    public static (Dictionary<string, byte[]> Files, List<string> Ignored) Classify(IEnumerable<(string Name, byte[] Content)> raw)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var ignored = new List<string>();
        foreach (var (name, content) in raw)
        {
            var known = Known.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                ignored.Add(name);
            }
            else if (files.TryGetValue(known, out var first))
            {
                if (!first.AsSpan().SequenceEqual(content))
                {
                    throw ResultsImportException.Bad(name, null,
                        $"{known} was sent twice with different content: import one demultiplexing job at a time " +
                        "(several jobs are imported one after the other, each with its job field).");
                }
            }
            else
            {
                files[known] = content;
            }
        }
        return (files, ignored);
    }

    /// <summary>Entries by base name, checked before they are read (count, declared sizes, ratio), read through a bounded stream.</summary>
    public static List<(string Name, byte[] Content)> Unzip(string zipName, byte[] zip)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw ResultsImportException.Bad(zipName, null, $"{zipName} is not a readable zip: {e.Message}");
        }
        using (archive)
        {
            var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            if (entries.Count > ResultsLimits.MaxZipEntries)
            {
                throw ResultsImportException.Bad(zipName, null, string.Create(CultureInfo.InvariantCulture,
                    $"{zipName} has {entries.Count} entries; at most {ResultsLimits.MaxZipEntries}."));
            }
            var wanted = entries.Where(e => Known.Contains(e.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            CheckDeclaredSizes(zipName, wanted);
            return [.. entries.Select(entry => (entry.Name, wanted.Contains(entry) ? ReadBounded(zipName, entry) : []))];
        }
    }

    /// <summary>The wanted entries' declared sizes, together and each against its compressed size, before anything is inflated.</summary>
    private static void CheckDeclaredSizes(string zipName, List<ZipArchiveEntry> wanted)
    {
        long declared = 0;
        foreach (var entry in wanted)
        {
            declared += entry.Length;
            if (declared > ResultsLimits.MaxImportBytes)
            {
                throw TooLarge($"{zipName}:{entry.FullName}");
            }
            if (entry.Length > 1024 * 1024 && entry.Length > (long)ResultsLimits.MaxZipRatio * Math.Max(1, entry.CompressedLength))
            {
                throw ResultsImportException.Bad($"{zipName}:{entry.FullName}", null, string.Create(CultureInfo.InvariantCulture,
                    $"{entry.FullName} in {zipName} expands {entry.Length / Math.Max(1, entry.CompressedLength)}-fold; " +
                    $"at most {ResultsLimits.MaxZipRatio}-fold is accepted."));
            }
        }
    }

    /// <summary>An entry's bytes, refused as soon as it inflates past the size its header declared (a zip can lie).</summary>
    private static byte[] ReadBounded(string zipName, ZipArchiveEntry entry)
    {
        using var input = entry.Open();
        using var output = new MemoryStream((int)Math.Min(entry.Length, ResultsLimits.MaxImportBytes));
        var buffer = new byte[81920];
        int n;
        while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, n);
            if (output.Length > entry.Length)
            {
                throw ResultsImportException.Bad($"{zipName}:{entry.FullName}", null, $"{entry.FullName} in {zipName} is larger than its header says.");
            }
        }
        return output.ToArray();
    }

    public static ResultsImportException TooLarge(string file) =>
        new(StatusCodes.Status413PayloadTooLarge, file, null, string.Create(CultureInfo.InvariantCulture,
            $"The import is larger than {ResultsLimits.MaxImportBytes / (1024 * 1024)} MiB (at {file}); nothing was stored."));
}

/// <summary>Reads one job's files into <see cref="JobData"/>, each reader naming its file and line on a refusal.</summary>
public static class JobReader
{
    public static JobData Read(string job, IReadOnlyDictionary<string, byte[]> files)
    {
        if (!files.TryGetValue(RunInfoReader.FileName, out var runInfoBytes))
        {
            throw ResultsImportException.Bad(RunInfoReader.FileName, null, "RunInfo.xml is required: it names the flow cell and the reads.");
        }
        var runInfo = RunInfoReader.Read(runInfoBytes);
        var warnings = new List<string>();
        var parameters = files.TryGetValue(RunParametersReader.FileName, out var p) ? RunParametersReader.Read(p) : null;
        var completion = files.TryGetValue(CompletionStatusReader.FileName, out var c) ? CompletionStatusReader.Read(c) : null;
        Reports reports;
        if (files.TryGetValue(DemultiplexStatsReader.FileName, out var d))
        {
            reports = BclConvert(d, files, warnings);
        }
        else if (files.TryGetValue(Bcl2FastqStatsReader.FileName, out var s))
        {
            reports = Bcl2Fastq(s, runInfo);
        }
        else
        {
            // The instrument's files alone (the run finished, demultiplexing has not): stored, nothing judged yet.
            reports = new([], [], [], new Dictionary<int, long>());
            warnings.Add("No Demultiplex_Stats.csv or Stats.json: the instrument's files were imported; " +
                "reads, verdicts and the diagnosis wait for the demultiplexing reports.");
        }
        var hopped = files.TryGetValue(IndexHoppingReader.FileName, out var h) ? IndexHoppingReader.Read(h) : [];
        if (reports.Demux.Count == 0 && (files.ContainsKey(DemultiplexStatsReader.FileName) || files.ContainsKey(Bcl2FastqStatsReader.FileName)))
        {
            throw ResultsImportException.Bad(
                files.ContainsKey(DemultiplexStatsReader.FileName) ? DemultiplexStatsReader.FileName : Bcl2FastqStatsReader.FileName,
                null, "The demultiplexing report has no rows.");
        }
        return new JobData(job, runInfo, parameters, completion, reports.Demux, reports.Quality, reports.Unknown, hopped, reports.Clusters, warnings);
    }

    /// <summary>What one job's demultiplexing reports say, whichever software wrote them.</summary>
    private sealed record Reports(
        IReadOnlyList<DemuxRow> Demux, IReadOnlyList<QualityRow> Quality, IReadOnlyList<UnknownBarcode> Unknown, IReadOnlyDictionary<int, long> Clusters);

    /// <summary>BCL Convert's reports; a Stats.json sent with them is ignored.</summary>
    private static Reports BclConvert(byte[] demultiplexStats, IReadOnlyDictionary<string, byte[]> files, List<string> warnings)
    {
        var demux = DemultiplexStatsReader.Read(demultiplexStats);
        IReadOnlyList<QualityRow> quality = files.TryGetValue(QualityMetricsReader.FileName, out var q) ? QualityMetricsReader.Read(q) : [];
        IReadOnlyList<UnknownBarcode> unknown = [];
        if (files.TryGetValue(TopUnknownReader.FileName, out var u))
        {
            unknown = TopUnknownReader.Read(u);
        }
        else
        {
            warnings.Add("No Top_Unknown_Barcodes.csv: weak libraries cannot be diagnosed from unknown barcodes.");
        }
        if (files.ContainsKey(Bcl2FastqStatsReader.FileName))
        {
            warnings.Add("Stats.json was ignored: Demultiplex_Stats.csv (BCL Convert) was sent with it.");
        }
        return new Reports(demux, quality, unknown, new Dictionary<int, long>());
    }

    /// <summary>bcl2fastq's Stats.json, refused when it is from another flow cell than RunInfo.xml.</summary>
    private static Reports Bcl2Fastq(byte[] statsJson, RunInfoData runInfo)
    {
        var stats = Bcl2FastqStatsReader.Read(statsJson);
        if (stats.Flowcell is { Length: > 0 } fc && !fc.Equals(runInfo.Flowcell, StringComparison.OrdinalIgnoreCase))
        {
            throw new ResultsImportException(StatusCodes.Status409Conflict, Bcl2FastqStatsReader.FileName, "Flowcell",
                $"Stats.json is from flow cell {fc}, RunInfo.xml from {runInfo.Flowcell}.");
        }
        return new Reports(stats.Demux, stats.Quality, stats.Unknown, stats.ClustersPf);
    }
}
