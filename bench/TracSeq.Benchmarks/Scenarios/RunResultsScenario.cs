using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 7d: a run's results imported and diagnosed through the gateway. A NovaSeq 6000 (v1.5) run with the 384
/// libraries of <see cref="SequencingScenarios.SequencingSetup"/> on each of its 4 lanes (1,536 sheet rows) is moved to
/// sequencing; its reports are made from its own v2 sheet: Demultiplex_Stats.csv with a row per library and lane,
/// Top_Unknown_Barcodes.csv with 1,000 barcodes per lane, and 8 libraries whose tube carries the i5 the wrong way round
/// (weak, to be diagnosed). Each timed run imports different counts, so each makes a new version (parse, compute,
/// diagnose, decide 384 verdicts over all runs, store), timed until the 201 has been read.
/// </summary>
public sealed class RunResultsScenario(SequencingScenarios.SequencingSetup setup) : IBenchmarkScenario
{
    public const int Lanes = 4;
    public const int UnknownPerLane = 1_000;

    private Guid _runId;
    private List<(string Lane, string Id, string I7, string I5)> _rows = [];

    public string Name =>
        $"`POST /api/runs/{{id}}/results` through the gateway " +
        $"(4 lanes × {SequencingScenarios.Libraries} libraries, 4 × {UnknownPerLane:N0} unknown barcodes)";

    public long ItemsPerRun => Lanes * SequencingScenarios.Libraries;

    public string? Notes { get; private set; }

    public async Task PrepareAsync(BenchmarkHost host, CancellationToken ct)
    {
        await setup.EnsureAsync(host, ct);
        using var pool = await setup.Gateway.PostAsJsonAsync("/api/pools", new { name = "Bench results pool", libraryIds = setup.LibraryIds }, ct);
        var poolId = await IdAsync(pool, ct);
        using var run = await setup.Gateway.PostAsJsonAsync("/api/runs", new
        {
            name = "Bench results run", instrument = "NovaSeq6000", flowcellId = "BENCHRES1",
            reads = new { read1Cycles = 151, read2Cycles = 151, index1Cycles = 8, index2Cycles = 8 },
            lanes = Enumerable.Range(1, Lanes).Select(lane => new { lane, poolId }),
        }, ct);
        _runId = await IdAsync(run, ct);
        using var moved = await setup.Gateway.PostAsJsonAsync($"/api/runs/{_runId}/status", new { to = "sequencing" }, ct);
        moved.EnsureSuccessStatusCode();
        var sheet = await setup.Gateway.GetStringAsync($"/api/runs/{_runId}/samplesheet?format=v2", ct);
        var lines = sheet.Split("\r\n");
        var at = Array.IndexOf(lines, "[BCLConvert_Data]");
        var header = lines[at + 1].Split(',');
        _rows = [.. lines.Skip(at + 2).TakeWhile(l => l.Length > 0).Select(l => l.Split(','))
            .Select(c => (
                c[Array.IndexOf(header, "Lane")],
                c[Array.IndexOf(header, "Sample_ID")],
                c[Array.IndexOf(header, "Index")],
                c[Array.IndexOf(header, "Index2")]))];
    }

    public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
    {
        using var form = Form(run);
        var clock = Stopwatch.StartNew();
        using var response = await setup.Gateway.PostAsync($"/api/runs/{_runId}/results", form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        clock.Stop();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"The import answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        }
        var findings = JsonDocument.Parse(body).RootElement.GetProperty("findings").EnumerateArray()
            .Count(f => f.GetProperty("label").GetString() == "i5_orientation");
        Notes = $"Each import diagnosed {findings} `i5_orientation` findings (8 hidden per import, on each of the 4 lanes their library is on).";
        return clock.Elapsed;
    }

    /// <summary>The reports of one import; <paramref name="run"/> varies the counts so that every import is a new version.</summary>
    private MultipartFormDataContent Form(int run)
    {
        var flipped = _rows.Select(r => r.Id).Distinct().Take(8).ToHashSet();
        var random = new Random(run + 1000);
        var demux = new StringBuilder(
            "Lane,SampleID,Sample_Project,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# Two Mismatch Index Reads," +
            "% Reads,% Perfect Index Reads,% One Mismatch Index Reads,% Two Mismatch Index Reads\n");
        var unknown = new StringBuilder("Lane,index,index2,# Reads,% of Unknown Barcodes,% of All Reads\n");
        for (var lane = 1; lane <= Lanes; lane++)
        {
            long undetermined = 0;
            foreach (var row in _rows.Where(r => r.Lane == lane.ToString(CultureInfo.InvariantCulture)))
            {
                long reads = 2_000_000 + random.Next(100_000) + run;
                if (flipped.Contains(row.Id))
                {
                    unknown.Append(Inv($"{lane},{row.I7},{Rc(row.I5)},{reads},0.1,0.001\n"));
                    undetermined += reads;
                    reads = 0;
                }
                demux.Append(Inv($"{lane},{row.Id},BENCH-1,{row.I7}-{row.I5},{reads},{reads},0,0,0.0026,1,0,0\n"));
            }
            for (var u = 0; u < UnknownPerLane - flipped.Count; u++)
            {
                var reads = 1_000 + random.Next(5_000);
                unknown.Append(Inv($"{lane},{Bases(random)},{Bases(random)},{reads},0.001,0.0001\n"));
                undetermined += reads;
            }
            demux.Append(Inv($"{lane},Undetermined,Undetermined,,{undetermined},{undetermined},0,0,0.01,1,0,0\n"));
        }
        var form = new MultipartFormDataContent();
        Add(form, "RunInfo.xml", """
            <?xml version="1.0"?>
            <RunInfo Version="5"><Run Id="240101_A00001_0001_BBENCHRES1" Number="1"><Flowcell>BENCHRES1</Flowcell><Instrument>A00001</Instrument>
            <Reads><Read Number="1" NumCycles="151" IsIndexedRead="N"/><Read Number="2" NumCycles="8" IsIndexedRead="Y"/>
            <Read Number="3" NumCycles="8" IsIndexedRead="Y"/><Read Number="4" NumCycles="151" IsIndexedRead="N"/></Reads>
            <FlowcellLayout LaneCount="4"/></Run></RunInfo>
            """);
        Add(form, "RunParameters.xml", "<RunParameters><RfidsInfo><FlowCellMode>S4</FlowCellMode></RfidsInfo></RunParameters>");
        Add(form, "Demultiplex_Stats.csv", demux.ToString());
        Add(form, "Top_Unknown_Barcodes.csv", unknown.ToString());
        return form;
    }

    private static void Add(MultipartFormDataContent form, string name, string text)
    {
        var part = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "files", name);
    }

    private static string Bases(Random random) => new([.. Enumerable.Range(0, 8).Select(_ => "ACGT"[random.Next(4)])]);

    private static string Rc(string bases) => new([.. bases.Reverse().Select(b => b switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', _ => 'A' })]);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task<Guid> IdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode == HttpStatusCode.Created
            ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid()
            : throw new InvalidOperationException($"Setting up the results run answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
    }
}
