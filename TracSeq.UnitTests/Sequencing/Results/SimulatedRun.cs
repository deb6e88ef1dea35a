using System.Globalization;
using System.Text;
using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Results;
using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Results.Verdicts;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing.Results;

/// <summary>
/// A run simulated from TracSeq's own sample sheet: libraries are planned (lane, indices, kit well), the sheet is
/// written by <see cref="SampleSheetWriter"/>, and the demultiplexer is imitated from it — every tube's clusters carry
/// what is really in the tube (by default what the library says; a test hides one mistake there) as the instrument
/// reads it, are assigned to the sheet row with exactly that barcode in the tube's real lane, else counted as unknown.
/// The reports are then written in BCL Convert's (3.6 or 3.9+ style) or bcl2fastq's format.
/// </summary>
public sealed class SimulatedRun
{
    /// <summary>Eight-base i7 and i5 (forward) of a 24-well kit "SIM-UD", pairwise far apart.</summary>
    public static readonly string[] KitI7 =
    [
        "ATTACTCG", "TCCGGAGA", "CGCTCATT", "GAGATTCC", "ATTCAGAA", "GAATTCGT", "CTGAAGCT", "TAATGCGC",
        "CGGCTATG", "TCCGCGAA", "TCTCGCGC", "AGCGATAG", "AACCTGTT", "GGTCACGA", "CCACGTTA", "TTGCCTAG",
    ];
    public static readonly string[] KitI5 =
    [
        "AGGCTATA", "GCCTCTAT", "AGGATAGG", "TCAGAGCC", "CTTCGCCT", "TAAGATTA", "ACGTCCTG", "GTCAGTAC",
        "CCTAGAGT", "GCGTAAGA", "CTATTAAG", "AAGGCTAT", "GAGCCTTA", "TTATGCGA", "ATCTCAGG", "ACTCTAGG",
    ];
    /// <summary>A second kit whose i5 plate can be picked by mistake.</summary>
    public static readonly string[] OtherKitI5 = ["CATGCAGT", "TGACTTCA", "GTCACATG", "ACTGTGAC"];

    public const string Kit = "SIM-UD";
    public const string OtherKit = "SIM-OTHER";
    public const long ReadsPerLibrary = 2_000_000;

    public string Instrument { get; init; } = Instruments.NovaSeq6000;
    public string? Chemistry { get; init; } = Instruments.ChemistryV15;
    public string Flowcell { get; init; } = "HSIMFC0XY";
    public ReadCycles Reads { get; init; } = new(151, 151, 8, 8);
    public List<RunLibrary> Libraries { get; } = [];
    public List<ElsewhereLibrary> Elsewhere { get; } = [];

    /// <summary>What a tube really holds and where it went: sequenced i7, sequenced i5, lane, and reads.</summary>
    public Dictionary<(int Lane, Guid Id), (string I7, string? I5, int Lane, long Reads)> Tubes { get; } = [];

    /// <summary>Extra clusters per lane (PhiX, hopped pairs, wells missing from the sheet …): as sequenced.</summary>
    public List<(int Lane, string I7, string? I5, long Reads)> Extra { get; } = [];

    public bool RcWorkflow => I5Orientation.IsReverseComplementWorkflow(Instrument, Chemistry);

    /// <summary>i5 as the instrument reads it.</summary>
    public string Sequenced(string forwardI5) => RcWorkflow ? IndexSequence.ReverseComplement(forwardI5) : forwardI5;

    /// <summary>Libraries from kit wells 0..n-1 on a lane, one pool per lane, barcodes TS-LIB-SIM-{lane}{well}.</summary>
    public SimulatedRun WithLane(int lane, int libraries, int firstWell = 0, long? targetReads = null)
    {
        var pool = Guid.NewGuid();
        for (var i = firstWell; i < firstWell + libraries; i++)
        {
            Add(lane, pool, i, targetReads);
        }
        return this;
    }

    public RunLibrary Add(int lane, Guid pool, int well, long? targetReads = null, bool negativeControl = false, Guid? id = null)
    {
        var library = new RunLibrary(lane, pool, id ?? Guid.NewGuid(), string.Create(CultureInfo.InvariantCulture, $"TS-LIB-SIM-{lane}{well:D2}"),
            KitI7[well], KitI5[well], targetReads, negativeControl, Kit, WellName(well));
        Libraries.Add(library);
        return library;
    }

    public static string WellName(int well) => string.Create(CultureInfo.InvariantCulture, $"{(char)('A' + well % 8)}{well / 8 + 1:D2}");

    public IReadOnlyList<KitWell> KitWells =>
        [.. KitI7.Select((s, i) => new KitWell(Kit, WellName(i), s, KitI5[i])), .. OtherKitI5.Select(s => new KitWell(OtherKit, "", "", s))];

    public RunLibrary Library(int lane, int well) => Libraries.Single(l => l.Lane == lane && l.Well == WellName(well));

    /// <summary>Hides a mistake: the tube of <paramref name="library"/> holds these sequenced indices (and maybe goes to another lane).</summary>
    public SimulatedRun Tube(RunLibrary library, string i7, string? sequencedI5, int? lane = null, long reads = ReadsPerLibrary)
    {
        Tubes[(library.Lane, library.LibraryId)] = (i7, sequencedI5, lane ?? library.Lane, reads);
        return this;
    }

    public RunContext Context(IReadOnlyList<QcThreshold>? thresholds = null) =>
        new(Guid.NewGuid(), Instrument, Chemistry, Flowcell, Reads, Libraries, KitWells, Elsewhere, thresholds ?? []);

    /// <summary>The sheet's data rows as BCL Convert would match them: (lane, Sample_ID) → sequenced (index, index2).</summary>
    private List<(int Lane, string SampleId, string Index, string? Index2)> SheetRows()
    {
        var sheet = SampleSheetWriter.Write(new SampleSheetRun("SimRun", Instrument, Chemistry ?? Instruments.ChemistryV15, Reads, 1, 1,
            [.. Libraries.Select(l => new SampleSheetRow(l.Lane, l.Barcode, l.Barcode, l.Index1, l.Index2, "SIM"))]), SampleSheetFormat.V2);
        var lines = sheet.Split("\r\n");
        var at = Array.IndexOf(lines, "[BCLConvert_Data]");
        var header = lines[at + 1].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        // NovaSeq X, NextSeq 1000/2000: the v2 sheet carries i5 forward and RunInfo tells BCL Convert to turn it round.
        var turn = Instrument is Instruments.NovaSeqX or Instruments.NextSeq1000 or Instruments.NextSeq2000;
        return [.. lines.Skip(at + 2).TakeWhile(l => l.Length > 0).Select(l => l.Split(',')).Select(c => (
            int.Parse(c[Col("Lane")], CultureInfo.InvariantCulture), c[Col("Sample_ID")], c[Col("Index")],
            Col("Index2") < 0 ? null : turn ? IndexSequence.ReverseComplement(c[Col("Index2")]) : c[Col("Index2")]))];
    }

    /// <summary>Demultiplexes the simulated clusters against the sheet: per (lane, Sample_ID) reads, and unknown barcodes.</summary>
    public (Dictionary<(int, string), long> Assigned, Dictionary<(int, string, string?), long> Unknown) Demultiplex()
    {
        var rows = SheetRows();
        var byKey = rows.ToDictionary(r => (r.Lane, r.Index, r.Index2), r => r.SampleId);
        var assigned = rows.ToDictionary(r => (r.Lane, r.SampleId), _ => 0L);
        var unknown = new Dictionary<(int, string, string?), long>();
        var clusters = Libraries.Select(l => Tubes.TryGetValue((l.Lane, l.LibraryId), out var t) ? t
                : (l.Index1, l.Index2 is null ? null : Sequenced(l.Index2), l.Lane, l.TargetReads ?? ReadsPerLibrary))
            .Concat(Extra.Select(e => (e.I7, e.I5, e.Lane, e.Reads)));
        foreach (var (i7, i5, lane, reads) in clusters)
        {
            if (byKey.TryGetValue((lane, i7, i5), out var sample))
            {
                assigned[(lane, sample)] += reads;
            }
            else
            {
                unknown[(lane, i7, i5)] = unknown.GetValueOrDefault((lane, i7, i5)) + reads;
            }
        }
        return (assigned, unknown);
    }

    /// <summary>The report files. <paramref name="style"/>: "3.6", "4.x" (3.9+ columns) or "bcl2fastq".</summary>
    public Dictionary<string, byte[]> Files(string style = "4.x", bool undeterminedRow = true, bool runParameters = true)
    {
        var (assigned, unknown) = Demultiplex();
        var files = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase) { ["RunInfo.xml"] = Utf8(RunInfoXml()) };
        if (runParameters)
        {
            files["RunParameters.xml"] =
                Utf8("<?xml version=\"1.0\"?>\n<RunParameters><RfidsInfo><FlowCellMode>S4</FlowCellMode></RfidsInfo></RunParameters>\n");
        }
        if (style == "bcl2fastq")
        {
            files["Stats.json"] = Utf8(StatsJson(assigned, unknown));
            return files;
        }
        var demux = new StringBuilder(style == "3.6"
            ? "Lane,SampleID,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# of >= Q30 Bases (PF),Mean Quality Score (PF)\n"
            : "Lane,SampleID,Sample_Project,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# Two Mismatch Index Reads," +
              "% Reads,% Perfect Index Reads,% One Mismatch Index Reads,% Two Mismatch Index Reads\n");
        var quality = new StringBuilder("Lane,SampleID,Sample_Project,index,index2,ReadNumber,Yield,YieldQ30,QualityScoreSum,Mean Quality Score (PF),% Q30\n");
        foreach (var lane in assigned.Keys.Select(k => k.Item1).Distinct().Order())
        {
            var total = assigned.Where(a => a.Key.Item1 == lane).Sum(a => a.Value) + unknown.Where(u => u.Key.Item1 == lane).Sum(u => u.Value);
            foreach (var ((l, sample), reads) in assigned.Where(a => a.Key.Item1 == lane).OrderBy(a => a.Key.Item2, StringComparer.Ordinal))
            {
                var library = Libraries.First(x => x.Lane == lane && x.Barcode == sample);
                var index = library.Index2 is null ? library.Index1 : $"{library.Index1}-{Sequenced(library.Index2)}";
                var (perfect, one) = (reads - reads / 50, reads / 50);
                demux.Append(style == "3.6"
                    ? Inv($"{l},{sample},{index},{reads},{perfect},{one},{reads * 140},35.5\n")
                    : Inv($"{l},{sample},SIM,{index},{reads},{perfect},{one},0,{(double)reads / total:0.0000},0.9800,0.0200,0.0000\n"));
                quality.Append(Inv($"{l},{sample},SIM,{library.Index1},{library.Index2},1,{reads * 151},{reads * 140},{reads * 5400},35.9,0.93\n"));
                quality.Append(Inv($"{l},{sample},SIM,{library.Index1},{library.Index2},2,{reads * 151},{reads * 120},{reads * 5200},33.1,0.79\n"));
            }
            var undetermined = unknown.Where(u => u.Key.Item1 == lane).Sum(u => u.Value);
            if (undeterminedRow)
            {
                demux.Append(style == "3.6"
                    ? Inv($"{lane},Undetermined,Undetermined,{undetermined},{undetermined},0,{undetermined * 100},30.1\n")
                    : Inv($"{lane},Undetermined,Undetermined,,{undetermined},{undetermined},0,0,{(double)undetermined / total:0.0000},1.0000,0.0000,0.0000\n"));
            }
        }
        files["Demultiplex_Stats.csv"] = Utf8(demux.ToString());
        if (style != "3.6")
        {
            files["Quality_Metrics.csv"] = Utf8(quality.ToString());
        }
        var top = new StringBuilder(style == "3.6" ? "Lane,index,index2,# Reads\n" : "Lane,index,index2,# Reads,% of Unknown Barcodes,% of All Reads\n");
        foreach (var ((lane, i7, i5), reads) in unknown.OrderBy(u => u.Key.Item1).ThenByDescending(u => u.Value))
        {
            top.Append(style == "3.6" ? Inv($"{lane},{i7},{i5},{reads}\n") : Inv($"{lane},{i7},{i5},{reads},0.01,0.001\n"));
        }
        files["Top_Unknown_Barcodes.csv"] = Utf8(top.ToString());
        return files;
    }

    public string RunInfoXml()
    {
        var rc = Instrument is Instruments.NovaSeqX or Instruments.NextSeq1000 or Instruments.NextSeq2000 ? "Y" : "N";
        return $"""
            <?xml version="1.0"?>
            <RunInfo Version="6">
              <Run Id="240101_SIM_0001_A{Flowcell}" Number="1">
                <Flowcell>{Flowcell}</Flowcell>
                <Instrument>SIM001</Instrument>
                <Reads>
                  <Read Number="1" NumCycles="{Reads.Read1Cycles}" IsIndexedRead="N" IsReverseComplement="N"/>
                  <Read Number="2" NumCycles="{Reads.Index1Cycles}" IsIndexedRead="Y" IsReverseComplement="N"/>
                  <Read Number="3" NumCycles="{Reads.Index2Cycles}" IsIndexedRead="Y" IsReverseComplement="{rc}"/>
                  <Read Number="4" NumCycles="{Reads.Read2Cycles}" IsIndexedRead="N" IsReverseComplement="N"/>
                </Reads>
                <FlowcellLayout LaneCount="4" SurfaceCount="2" SwathCount="6" TileCount="78"/>
              </Run>
            </RunInfo>
            """;
    }

    private string StatsJson(Dictionary<(int, string), long> assigned, Dictionary<(int, string, string?), long> unknown)
    {
        var lanes = assigned.Keys.Select(k => k.Item1).Distinct().Order().ToList();
        object Metrics(long reads, int q30a, int q30b) => new[]
        {
            new { ReadNumber = 1, Yield = reads * 151, YieldQ30 = reads * q30a, QualityScoreSum = 1, TrimmedBases = 0 },
            new { ReadNumber = 2, Yield = reads * 151, YieldQ30 = reads * q30b, QualityScoreSum = 1, TrimmedBases = 0 },
        };
        var conversion = lanes.Select(lane =>
        {
            var und = unknown.Where(u => u.Key.Item1 == lane).Sum(u => u.Value);
            var total = assigned.Where(a => a.Key.Item1 == lane).Sum(a => a.Value) + und;
            return new
            {
                LaneNumber = lane, TotalClustersRaw = total * 11 / 10, TotalClustersPF = total, Yield = total * 302,
                DemuxResults = assigned.Where(a => a.Key.Item1 == lane).Select(a =>
                {
                    var library = Libraries.First(x => x.Lane == lane && x.Barcode == a.Key.Item2);
                    return new
                    {
                        SampleId = a.Key.Item2, SampleName = a.Key.Item2,
                        IndexMetrics = new[]
                        {
                            new
                            {
                                IndexSequence = $"{library.Index1}+{Sequenced(library.Index2!)}",
                                MismatchCounts = new Dictionary<string, long> { ["0"] = a.Value - 10, ["1"] = 10 },
                            },
                        },
                        NumberReads = a.Value, Yield = a.Value * 302, ReadMetrics = Metrics(a.Value, 140, 120),
                    };
                }).ToList(),
                Undetermined = new { NumberReads = und, Yield = und * 302, ReadMetrics = Metrics(und, 100, 90) },
            };
        });
        var unknownLanes = lanes.Select(lane => new
        {
            Lane = lane,
            Barcodes = unknown
                .Where(u => u.Key.Item1 == lane)
                .ToDictionary(u => u.Key.Item3 is null ? u.Key.Item2 : $"{u.Key.Item2}+{u.Key.Item3}", u => u.Value),
        });
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            Flowcell, RunNumber = 1, RunId = "SIM", ReadInfosForLanes = Array.Empty<object>(), ConversionResults = conversion, UnknownBarcodes = unknownLanes,
        });
    }

    /// <summary>Reads the files back through the product's readers and computes the results.</summary>
    public ResultsDocument Results(string style = "4.x", bool undeterminedRow = true, IReadOnlyList<QcThreshold>? thresholds = null)
    {
        var job = JobReader.Read("default", Files(style, undeterminedRow));
        return ResultsCalculator.Compute(Context(thresholds), [job]);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
