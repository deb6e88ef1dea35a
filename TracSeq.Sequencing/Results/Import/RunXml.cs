using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace TracSeq.Sequencing.Results.Import;

/// <summary>Loads the instrument's XML files safely: no DTD, no external entities, whitespace as in the file.</summary>
internal static class RunXml
{
    public static XElement Load(string file, byte[] content)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = ResultsLimits.MaxImportBytes,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(content), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo).Root ?? throw ResultsImportException.Bad(file, null, $"{file} has no root element.");
        }
        catch (XmlException e)
        {
            throw ResultsImportException.Bad(
                file, string.Create(CultureInfo.InvariantCulture, $"line {e.LineNumber}"), $"{file} is not well-formed XML: {e.Message}");
        }
    }

    /// <summary>The first descendant named <paramref name="name"/> (namespaces ignored, case-insensitive), or null.</summary>
    public static XElement? Find(this XElement root, string name) =>
        root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static string? Value(this XElement root, string name) => root.Find(name)?.Value.Trim() is { Length: > 0 } v ? v : null;

    public static string? Attr(this XElement element, string name) =>
        element.Attributes().FirstOrDefault(a => a.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Trim();

    public static string Where(XElement element) =>
        element is IXmlLineInfo info && info.HasLineInfo()
            ? string.Create(CultureInfo.InvariantCulture, $"line {info.LineNumber}, <{element.Name.LocalName}>")
            : $"<{element.Name.LocalName}>";
}

/// <summary>RunInfo.xml: run id, flow cell, instrument, lanes and reads (with IsReverseComplement where the instrument says so).</summary>
public static class RunInfoReader
{
    public const string FileName = "RunInfo.xml";

    public static RunInfoData Read(byte[] content)
    {
        var root = RunXml.Load(FileName, content);
        var run = root.Find("Run") ?? throw ResultsImportException.Bad(FileName, "<Run>", "RunInfo.xml has no <Run> element.");
        var flowcell = run.Value("Flowcell") ?? throw ResultsImportException.Bad(FileName, "<Run>/<Flowcell>", "RunInfo.xml has no <Flowcell>.");
        var reads = new List<RunRead>();
        foreach (var read in run.Descendants().Where(e => e.Name.LocalName == "Read"))
        {
            if (!int.TryParse(read.Attr("Number"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ||
                !int.TryParse(read.Attr("NumCycles"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cycles) || cycles is < 0 or > 1000)
            {
                throw ResultsImportException.Bad(FileName, RunXml.Where(read),
                    $"RunInfo.xml {RunXml.Where(read)}: Number and NumCycles must be whole numbers (cycles 0 to 1000).");
            }
            reads.Add(new RunRead(number, cycles, Yes(read.Attr("IsIndexedRead")), Yes(read.Attr("IsReverseComplement"))));
        }
        if (reads.Count is 0 or > 8)
        {
            throw ResultsImportException.Bad(FileName, "<Reads>", "RunInfo.xml must list 1 to 8 reads.");
        }
        int? lanes = int.TryParse(run.Find("FlowcellLayout")?.Attr("LaneCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new RunInfoData(run.Attr("Id") ?? "", flowcell, run.Value("Instrument"), lanes, reads);
    }

    private static bool Yes(string? value) =>
        value is not null
        && (value.Equals("Y", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// RunParameters.xml: the flow-cell type the QC thresholds are keyed by, in each instrument's words: NovaSeq 6000
/// RfidsInfo/FlowCellMode (SP, S1, S2, S4); NovaSeq X the FlowCell consumable's Name (25B) or Mode (10B); MiSeq
/// ReagentKitVersion (Version2 → v2); NextSeq 500/550 Chemistry (NextSeq High → high). Anything else: unknown (null).
/// </summary>
public static class RunParametersReader
{
    public const string FileName = "RunParameters.xml";

    public static RunParametersData Read(byte[] content)
    {
        var root = RunXml.Load(FileName, content);
        if (root.Find("RfidsInfo")?.Value("FlowCellMode") is { } mode)
        {
            return new(mode.ToUpperInvariant(), "RfidsInfo/FlowCellMode");
        }
        var flowCell = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "ConsumableInfo" &&
            e.Elements().Any(c => c.Name.LocalName == "Type" && c.Value.Trim() == "FlowCell"));
        if (flowCell is not null)
        {
            var name = flowCell.Elements().FirstOrDefault(c => c.Name.LocalName == "Name")?.Value.Trim();
            var fcMode = flowCell.Elements().FirstOrDefault(c => c.Name.LocalName == "Mode")?.Value.Trim();
            var type = new[] { name, fcMode }.FirstOrDefault(v => v is not null && v.EndsWith('B') && v.Length <= 5);
            return new(type, "ConsumableInfo[Type=FlowCell]");
        }
        if (root.Value("ReagentKitVersion") is { } kit)
        {
            return new(kit.StartsWith("Version", StringComparison.OrdinalIgnoreCase) ? "v" + kit[7..] : kit, "ReagentKitVersion");
        }
        if (root.Value("Chemistry") is { } chemistry && chemistry.StartsWith("NextSeq ", StringComparison.OrdinalIgnoreCase))
        {
            return new(chemistry[8..].Trim().ToLowerInvariant(), "Chemistry");
        }
        return new(null, null);
    }
}

/// <summary>RunCompletionStatus.xml in its two shapes: NextSeq's CompletionStatus (+ ErrorDescription) and NovaSeq X's RunStatus.</summary>
public static class CompletionStatusReader
{
    public const string FileName = "RunCompletionStatus.xml";

    public static CompletionData Read(byte[] content)
    {
        var root = RunXml.Load(FileName, content);
        var status = root.Value("CompletionStatus") ?? root.Value("RunStatus")
            ?? throw ResultsImportException.Bad(FileName, "<RunCompletionStatus>", "RunCompletionStatus.xml has neither <CompletionStatus> nor <RunStatus>.");
        var error = root.Value("ErrorDescription") is { } e && !e.Equals("None", StringComparison.OrdinalIgnoreCase) ? e : null;
        return new(status is "CompletedAsPlanned" or "RunCompleted" && error is null, status, error);
    }
}
