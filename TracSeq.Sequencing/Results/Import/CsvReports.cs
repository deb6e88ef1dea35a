using System.Globalization;
using System.Text;
using CsvHelper;

namespace TracSeq.Sequencing.Results.Import;

/// <summary>
/// Reads BCL Convert's report CSVs with CsvHelper, by header name (columns moved between versions), with a BOM or
/// without, CR, LF or CRLF line endings and blank lines anywhere. Every number is checked, and a bad one is refused
/// naming the file, the line and the column. At most <see cref="ResultsLimits.MaxRowsPerFile"/> data rows.
/// </summary>
public sealed class CsvReports : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly string _file;
    private readonly CsvReader _csv;
    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);
    private string[] _record = [];
    private int _rows;

    public CsvReports(string file, byte[] content)
    {
        _file = file;
        string text;
        try
        {
            var start = content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF ? 3 : 0;
            text = StrictUtf8.GetString(content, start, content.Length - start);
        }
        catch (DecoderFallbackException)
        {
            throw ResultsImportException.Bad(file, null, $"{file} is not UTF-8 text.");
        }
        _csv = CsvReader.FromText(text, new CsvReaderOptions
        {
            Separator = ',', HasHeader = false, SkipEmptyLines = true, TrackLineNumbers = true, TrimWhitespace = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow, MissingField = CsvMissingFieldHandling.ReturnEmpty,
        });
        if (!ReadRecord())
        {
            throw ResultsImportException.Bad(file, "line 1", $"{file} is empty: it has no header row.");
        }
        for (var i = 0; i < _record.Length; i++)
        {
            _columns.TryAdd(_record[i].Trim(), i);
        }
    }

    public long Line { get; private set; }

    private bool ReadRecord()
    {
        while (_csv.Read())
        {
            var record = new string[_csv.FieldCount];
            for (var i = 0; i < record.Length; i++)
            {
                record[i] = _csv.GetString(i);
            }
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            (_record, Line) = (record, _csv.LineNumber);
            return true;
        }
        return false;
    }

    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>The first of <paramref name="names"/> the header has (versions spell some columns differently).</summary>
    public string Require(params string[] names) =>
        names.FirstOrDefault(Has) ?? throw ResultsImportException.Bad(_file, "line 1",
            $"{_file} has no column {names[0]} (the header is: {string.Join(",", _columns.Keys)}).");

    public bool Next()
    {
        if (!ReadRecord())
        {
            return false;
        }
        if (++_rows > ResultsLimits.MaxRowsPerFile)
        {
            throw ResultsImportException.Bad(_file, $"line {Line}",
                string.Create(CultureInfo.InvariantCulture, $"{_file} has more than {ResultsLimits.MaxRowsPerFile} rows."));
        }
        return true;
    }

    public string Text(string column) =>
        _columns.TryGetValue(column, out var i) && i < _record.Length ? _record[i].Trim() : "";

    public string? OptionalText(string? column) => column is null ? null : Text(column) is { Length: > 0 } t ? t : null;

    public long Count(string column)
    {
        var text = Text(column);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw ResultsImportException.Bad(_file, $"line {Line}", $"{_file} line {Line}: {column} '{Clip(text)}' is not a count.");
    }

    public long? OptionalCount(string? column) => column is null || Text(column).Length == 0 ? null : Count(column);

    /// <summary>Lanes are 1 to 8 on every Illumina flow cell.</summary>
    public int Lane(string column)
    {
        var n = Count(column);
        return n is >= 1 and <= 8 ? (int)n
            : throw ResultsImportException.Bad(_file, $"line {Line}", $"{_file} line {Line}: lane {n} is not 1 to 8.");
    }

    /// <summary>Index text as reported: bases (N for no call) only, at most 48 (two indices of 24).</summary>
    public string Bases(string column, bool allowEmpty)
    {
        var text = Text(column).ToUpperInvariant();
        if (text.Length == 0 && allowEmpty)
        {
            return text;
        }
        if (text.Length is 0 or > 48 || text.Any(c => c is not ('A' or 'C' or 'G' or 'T' or 'N')))
        {
            throw ResultsImportException.Bad(_file, $"line {Line}", $"{_file} line {Line}: {column} '{Clip(text)}' is not an index (A, C, G, T, N).");
        }
        return text;
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    public void Dispose() => _csv.Dispose();
}

/// <summary>Demultiplex_Stats.csv, BCL Convert 3.6 to 4.x.</summary>
public static class DemultiplexStatsReader
{
    public const string FileName = "Demultiplex_Stats.csv";

    public static IReadOnlyList<DemuxRow> Read(byte[] content)
    {
        using var csv = new CsvReports(FileName, content);
        var (lane, sample, index, reads, perfect, one) = (csv.Require("Lane"), csv.Require("SampleID", "Sample_ID"), csv.Require("Index"),
            csv.Require("# Reads"), csv.Require("# Perfect Index Reads"), csv.Require("# One Mismatch Index Reads"));
        var two = csv.Has("# Two Mismatch Index Reads") ? "# Two Mismatch Index Reads" : null;   // 3.9+
        var q30 = csv.Has("# of >= Q30 Bases (PF)") ? "# of >= Q30 Bases (PF)" : null;          // 3.6 only
        var rows = new List<DemuxRow>();
        while (csv.Next())
        {
            var id = csv.Text(sample);
            if (id.Length == 0)
            {
                throw ResultsImportException.Bad(FileName, $"line {csv.Line}", $"{FileName} line {csv.Line}: SampleID is empty.");
            }
            var text = csv.Text(index);
            rows.Add(new DemuxRow(csv.Lane(lane), id,
                text.Length == 0 || text.Equals("Undetermined", StringComparison.OrdinalIgnoreCase) ? null : text,
                csv.Count(reads), csv.Count(perfect), csv.Count(one), csv.OptionalCount(two), null, csv.OptionalCount(q30)));
        }
        return rows;
    }
}

/// <summary>Quality_Metrics.csv, BCL Convert 3.9 and later: yield and yield ≥ Q30 per lane, sample and read.</summary>
public static class QualityMetricsReader
{
    public const string FileName = "Quality_Metrics.csv";

    public static IReadOnlyList<QualityRow> Read(byte[] content)
    {
        using var csv = new CsvReports(FileName, content);
        var (lane, sample, read, yield, q30) = (csv.Require("Lane"), csv.Require("SampleID", "Sample_ID"), csv.Require("ReadNumber"),
            csv.Require("Yield"), csv.Require("YieldQ30"));
        var rows = new List<QualityRow>();
        while (csv.Next())
        {
            rows.Add(new QualityRow(csv.Lane(lane), csv.Text(sample), (int)Math.Min(csv.Count(read), 8), csv.Count(yield), csv.Count(q30)));
        }
        return rows;
    }
}

/// <summary>Top_Unknown_Barcodes.csv: 3.6 has only Lane,index,index2,# Reads; later versions add the % columns.</summary>
public static class TopUnknownReader
{
    public const string FileName = "Top_Unknown_Barcodes.csv";

    public static IReadOnlyList<UnknownBarcode> Read(byte[] content)
    {
        using var csv = new CsvReports(FileName, content);
        var (lane, index, reads) = (csv.Require("Lane"), csv.Require("index", "Index"), csv.Require("# Reads"));
        var index2 = csv.Has("index2") ? "index2" : null;
        var rows = new List<UnknownBarcode>();
        while (csv.Next())
        {
            var i5 = index2 is null ? "" : csv.Bases(index2, allowEmpty: true);
            rows.Add(new UnknownBarcode(csv.Lane(lane), csv.Bases(index, allowEmpty: false), i5.Length == 0 ? null : i5, csv.Count(reads)));
        }
        return rows;
    }
}

/// <summary>Index_Hopping_Counts.csv: the rows with an empty SampleID are hopped pairs (the others are the samples' own).</summary>
public static class IndexHoppingReader
{
    public const string FileName = "Index_Hopping_Counts.csv";

    public static IReadOnlyList<HoppedPair> Read(byte[] content)
    {
        using var csv = new CsvReports(FileName, content);
        var (lane, sample, index, index2, reads) = (csv.Require("Lane"), csv.Require("SampleID", "Sample_ID"), csv.Require("index"),
            csv.Require("index2"), csv.Require("# Reads"));
        var rows = new List<HoppedPair>();
        while (csv.Next())
        {
            if (csv.Text(sample).Length == 0)
            {
                rows.Add(new HoppedPair(csv.Lane(lane), csv.Bases(index, false), csv.Bases(index2, false), csv.Count(reads)));
            }
        }
        return rows;
    }
}
