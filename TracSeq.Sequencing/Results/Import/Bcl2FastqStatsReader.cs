using System.Text.Json;

namespace TracSeq.Sequencing.Results.Import;

/// <summary>
/// bcl2fastq's Stats/Stats.json: per lane ConversionResults[].DemuxResults[] (reads, yield, Q30 per read, index
/// mismatch counts), Undetermined, TotalClustersPF, and UnknownBarcodes[].Barcodes keyed "i7+i5" (or "i7").
/// </summary>
public static class Bcl2FastqStatsReader
{
    public const string FileName = "Stats.json";

    public sealed record Stats(IReadOnlyList<DemuxRow> Demux, IReadOnlyList<QualityRow> Quality, IReadOnlyList<UnknownBarcode> Unknown,
        IReadOnlyDictionary<int, long> ClustersPf, string? Flowcell);

    public static Stats Read(byte[] content)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw ResultsImportException.Bad(FileName, $"line {(e.LineNumber ?? 0) + 1}", $"Stats.json is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            var (demux, quality, clusters) = (new List<DemuxRow>(), new List<QualityRow>(), new Dictionary<int, long>());
            var conversions = Array(root, "ConversionResults", "ConversionResults");
            for (var c = 0; c < conversions.Count; c++)
            {
                Conversion(conversions[c], c, demux, quality, clusters);
            }
            var unknown = UnknownBarcodes(root);
            var flowcell = root.TryGetProperty("Flowcell", out var fc) && fc.ValueKind == JsonValueKind.String ? fc.GetString() : null;
            return new Stats(demux, quality, unknown, clusters, flowcell);
        }
    }

    /// <summary>One lane's ConversionResults entry: its clusters passing filter, its samples and its Undetermined row.</summary>
    private static void Conversion(JsonElement conversion, int c, List<DemuxRow> demux, List<QualityRow> quality, Dictionary<int, long> clusters)
    {
        var lane = Lane(conversion, $"ConversionResults[{c}]");
        if (conversion.TryGetProperty("TotalClustersPF", out var pf) && pf.TryGetInt64(out var pfCount))
        {
            clusters[lane] = pfCount;
        }
        var results = Array(conversion, "DemuxResults", $"ConversionResults[{c}].DemuxResults");
        for (var d = 0; d < results.Count; d++)
        {
            var where = $"ConversionResults[{c}].DemuxResults[{d}]";
            var sample = Text(results[d], "SampleId", where);
            Sample(results[d], lane, sample, where, demux, quality);
            Limit(demux.Count);
        }
        if (conversion.TryGetProperty("Undetermined", out var undetermined) && undetermined.ValueKind == JsonValueKind.Object)
        {
            Sample(undetermined, lane, "Undetermined", $"ConversionResults[{c}].Undetermined", demux, quality);
        }
    }

    /// <summary>UnknownBarcodes[].Barcodes: "i7+i5" (or "i7") keys with read counts, per lane.</summary>
    private static List<UnknownBarcode> UnknownBarcodes(JsonElement root)
    {
        var unknown = new List<UnknownBarcode>();
        if (!root.TryGetProperty("UnknownBarcodes", out var unknownLanes) || unknownLanes.ValueKind != JsonValueKind.Array)
        {
            return unknown;
        }
        var u = 0;
        foreach (var laneEntry in unknownLanes.EnumerateArray())
        {
            var lane = Lane(laneEntry, $"UnknownBarcodes[{u}]", "Lane");
            if (laneEntry.TryGetProperty("Barcodes", out var barcodes) && barcodes.ValueKind == JsonValueKind.Object)
            {
                foreach (var barcode in barcodes.EnumerateObject())
                {
                    unknown.Add(UnknownPair(lane, u, barcode));
                    Limit(unknown.Count);
                }
            }
            u++;
        }
        return unknown;
    }

    private static UnknownBarcode UnknownPair(int lane, int u, JsonProperty barcode)
    {
        var parts = barcode.Name.ToUpperInvariant().Split('+');
        if (parts.Length > 2 || parts.Any(p => p.Length is 0 or > 24 || p.Any(ch => ch is not ('A' or 'C' or 'G' or 'T' or 'N'))) ||
            !barcode.Value.TryGetInt64(out var reads) || reads < 0)
        {
            throw ResultsImportException.Bad(FileName, $"UnknownBarcodes[{u}].Barcodes",
                $"Stats.json UnknownBarcodes[{u}]: '{Clip(barcode.Name)}' is not an index pair with a read count.");
        }
        return new UnknownBarcode(lane, parts[0], parts.Length > 1 ? parts[1] : null, reads);
    }

    private static void Sample(JsonElement element, int lane, string sample, string where, List<DemuxRow> demux, List<QualityRow> quality)
    {
        var reads = Count(element, "NumberReads", where);
        long perfect = 0, one = 0;
        string? index = null;
        if (element.TryGetProperty("IndexMetrics", out var metrics) && metrics.ValueKind == JsonValueKind.Array)
        {
            foreach (var metric in metrics.EnumerateArray())
            {
                index ??= metric.TryGetProperty("IndexSequence", out var s) ? s.GetString() : null;
                if (metric.TryGetProperty("MismatchCounts", out var counts) && counts.ValueKind == JsonValueKind.Object)
                {
                    perfect += counts.TryGetProperty("0", out var p) && p.TryGetInt64(out var pv) ? pv : 0;
                    one += counts.TryGetProperty("1", out var o) && o.TryGetInt64(out var ov) ? ov : 0;
                }
            }
        }
        else
        {
            perfect = reads; // no index metrics: Undetermined, or a sample on a lane without index reads
        }
        long yield = 0, q30 = 0;
        if (element.TryGetProperty("ReadMetrics", out var readMetrics) && readMetrics.ValueKind == JsonValueKind.Array)
        {
            foreach (var read in readMetrics.EnumerateArray())
            {
                var (y, q) = (Count(read, "Yield", where), Count(read, "YieldQ30", where));
                quality.Add(new QualityRow(lane, sample, read.TryGetProperty("ReadNumber", out var n) && n.TryGetInt32(out var rn) ? rn : 0, y, q));
                (yield, q30) = (yield + y, q30 + q);
            }
        }
        demux.Add(new DemuxRow(lane, sample, index?.Replace('+', '-'), reads, perfect, one, null, yield, q30));
    }

    private static void Limit(int rows)
    {
        if (rows > ResultsLimits.MaxRowsPerFile)
        {
            throw ResultsImportException.Bad(FileName, null, $"Stats.json has more than {ResultsLimits.MaxRowsPerFile} rows.");
        }
    }

    private static IReadOnlyList<JsonElement> Array(JsonElement parent, string name, string where) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? [.. a.EnumerateArray()]
            : throw ResultsImportException.Bad(FileName, where, $"Stats.json has no array {where}.");

    private static int Lane(JsonElement element, string where, string name = "LaneNumber") =>
        element.TryGetProperty(name, out var l) && l.TryGetInt32(out var lane) && lane is >= 1 and <= 8
            ? lane
            : throw ResultsImportException.Bad(FileName, where, $"Stats.json {where}: {name} must be 1 to 8.");

    private static long Count(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) && n >= 0
            ? n
            : throw ResultsImportException.Bad(FileName, $"{where}.{name}", $"Stats.json {where}.{name} must be a count.");

    private static string Text(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw ResultsImportException.Bad(FileName, $"{where}.{name}", $"Stats.json {where}.{name} is missing.");

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
