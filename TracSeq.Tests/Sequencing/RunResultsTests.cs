using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Sequencing;

/// <summary>
/// Run results through the gateway: the reports are made from the run's own v2 sample sheet (downloaded from TracSeq),
/// as BCL Convert would write them, with one library's tube carrying its i5 the wrong way round.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RunResultsTests(AppHostFixture fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    /// <summary>A NovaSeq 6000 (v1.5) run of three libraries on lane 1, moved to sequencing.</summary>
    private async Task<(Guid RunId, IReadOnlyList<LibraryInfo> Libraries)> RunAsync(string flowcell = "HFLOWCELL1", long? targetReads = null,
        IReadOnlyList<LibraryInfo>? libraries = null, bool start = true)
    {
        libraries ??= await _lab.LibrariesAsync((SequencingLab.I7[0], SequencingLab.I5[0]), (SequencingLab.I7[1], SequencingLab.I5[1]),
            (SequencingLab.I7[2], SequencingLab.I5[2]));
        if (targetReads is not null)
        {
            using var client = await _lab.AsAsync("lab_technician");
            foreach (var library in libraries)
            {
                (await client.PatchAsJsonAsync($"/api/libraries/{library.Id}", new { targetReads })).StatusCode.ShouldBe(HttpStatusCode.OK);
            }
        }
        var pool = await _lab.CreatePoolAsync(libraries.Select(l => l.Id));
        var body = SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)]);
        var json = JsonSerializer.SerializeToNode(body)!;
        json["flowcellId"] = flowcell;
        using var created = await _lab.PostRunAsync(json);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var run = (await created.Content.ReadFromJsonAsync<RunInfo>(SequencingLab.Json))!;
        if (start)
        {
            (await _lab.MoveRunAsync(run.Id, "sequencing")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        return (run.Id, libraries);
    }

    /// <summary>BCL Convert 4.x reports from the run's sheet: each row gets its reads; <paramref name="flipped"/> loses its reads to (i7, rc i5).</summary>
    private async Task<Dictionary<string, byte[]>> ReportsAsync(Guid runId, string flowcell = "HFLOWCELL1", long reads = 1_000_000,
        string? flipped = null, IReadOnlyDictionary<string, long>? readsOf = null)
    {
        using var client = await _lab.AsAsync("lab_technician"); // sample sheets are the facility's
        var sheet = await client.GetStringAsync($"/api/runs/{runId}/samplesheet?format=v2");
        var lines = sheet.Split("\r\n");
        var at = Array.IndexOf(lines, "[BCLConvert_Data]");
        var header = lines[at + 1].Split(',');
        var rows = lines.Skip(at + 2).TakeWhile(l => l.Length > 0).Select(l => l.Split(','))
            .Select(c => (Lane: c[Array.IndexOf(header, "Lane")], Id: c[Array.IndexOf(header, "Sample_ID")], I7: c[Array.IndexOf(header, "Index")],
                I5: c[Array.IndexOf(header, "Index2")]))
            .ToList();
        var demux = new StringBuilder(
            "Lane,SampleID,Sample_Project,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# Two Mismatch Index Reads,"
            + "% Reads,% Perfect Index Reads,% One Mismatch Index Reads,% Two Mismatch Index Reads\r\n");
        var unknown = new StringBuilder("Lane,index,index2,# Reads,% of Unknown Barcodes,% of All Reads\r\n");
        long undetermined = 50_000;
        foreach (var row in rows)
        {
            var n = readsOf?.GetValueOrDefault(row.Id, reads) ?? reads;
            if (row.Id == flipped)
            {
                unknown.Append(Inv($"{row.Lane},{row.I7},{ReverseComplement(row.I5)},{n},0.9,0.3\r\n"));
                undetermined += n;
                n = 0;
            }
            demux.Append(Inv($"{row.Lane},{row.Id},SEQ-1,{row.I7}-{row.I5},{n},{n},0,0,0.3,1,0,0\r\n"));
        }
        unknown.Append("1,GGGGGGGG,AGATCTCG,50000,0.1,0.01\r\n");
        demux.Append(Inv($"1,Undetermined,Undetermined,,{undetermined},{undetermined},0,0,0.05,1,0,0\r\n"));
        return new Dictionary<string, byte[]>
        {
            ["RunInfo.xml"] = Encoding.UTF8.GetBytes($"""
                <?xml version="1.0"?>
                <RunInfo Version="6"><Run Id="240101_A0_0001_A{flowcell}" Number="1"><Flowcell>{flowcell}</Flowcell><Instrument>A00001</Instrument>
                <Reads><Read Number="1" NumCycles="151" IsIndexedRead="N"/><Read Number="2" NumCycles="8" IsIndexedRead="Y"/>
                <Read Number="3" NumCycles="8" IsIndexedRead="Y"/><Read Number="4" NumCycles="151" IsIndexedRead="N"/></Reads>
                <FlowcellLayout LaneCount="4"/></Run></RunInfo>
                """),
            ["RunParameters.xml"] = "<RunParameters><RfidsInfo><FlowCellMode>S4</FlowCellMode></RfidsInfo></RunParameters>"u8.ToArray(),
            ["Demultiplex_Stats.csv"] = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(demux.ToString())],
            ["Top_Unknown_Barcodes.csv"] = Encoding.UTF8.GetBytes(unknown.ToString()),
        };
    }

    private async Task<HttpResponseMessage> ImportAsync(Guid runId, IReadOnlyDictionary<string, byte[]> files, string role = "lab_technician",
        string? job = null)
    {
        using var client = await _lab.AsAsync(role);
        using var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        if (job is not null)
        {
            form.Add(new StringContent(job), "job");
        }
        return await client.PostAsync($"/api/runs/{runId}/results", form);
    }

    private async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_zip_of_the_run_folder_imports_and_an_import_above_50_MiB_is_413_at_the_gateway()
    {
        var (runId, _) = await RunAsync();
        var files = await ReportsAsync(runId);
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                await using var entry = zip.CreateEntry(name.EndsWith(".csv", StringComparison.Ordinal) ? $"run/Reports/{name}" : $"run/{name}").Open();
                await entry.WriteAsync(content);
            }
            await using var extra = zip.CreateEntry("run/Reports/fastq_list.csv").Open();
            await extra.WriteAsync("RGID,RGSM\r\n"u8.ToArray());
        }

        var imported = await JsonAsync(await ImportAsync(runId, new Dictionary<string, byte[]> { ["run.zip"] = zipped.ToArray() }), HttpStatusCode.Created);
        using var tooLarge = await ImportAsync(runId, new Dictionary<string, byte[]> { ["Top_Unknown_Barcodes.csv"] = new byte[51 * 1024 * 1024] });

        imported.GetProperty("libraries").GetArrayLength().ShouldBe(3);
        imported.GetProperty("warnings").EnumerateArray().ShouldContain(w => w.GetString()!.Contains("fastq_list.csv"));
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string ReverseComplement(string bases) =>
        new([.. bases.Reverse().Select(b => b switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', _ => 'A' })]);
}
