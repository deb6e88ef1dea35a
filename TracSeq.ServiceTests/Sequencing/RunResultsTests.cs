using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// Run results through the gateway: the reports are made from the run's own v2 sample sheet (downloaded from TracSeq),
/// as BCL Convert would write them, with one library's tube carrying its i5 the wrong way round.
/// </summary>
[Collection(SequencingServiceCollection.Name)]
public sealed class RunResultsTests(SequencingService fixture)
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

    private async Task<long> VersionRowsAsync()
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM run_result_versions", db);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_import_answers_the_contract_shape_diagnoses_the_flipped_i5_and_keeps_versions()
    {
        var (runId, libraries) = await RunAsync();
        var flipped = libraries[1];
        var files = await ReportsAsync(runId, flipped: flipped.Barcode);

        var first = await JsonAsync(await ImportAsync(runId, files), HttpStatusCode.Created);

        first.GetProperty("runId").GetGuid().ShouldBe(runId);
        first.GetProperty("version").GetInt32().ShouldBe(1);
        first.GetProperty("importedAt").GetDateTime().ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-5));
        first.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order()
            .ShouldBe(["Demultiplex_Stats.csv", "RunInfo.xml", "RunParameters.xml", "Top_Unknown_Barcodes.csv"]);
        first.GetProperty("files")[0].GetProperty("sha256").GetString()!.Length.ShouldBe(64);
        first.GetProperty("unmatched").GetArrayLength().ShouldBe(0);
        var lane = first.GetProperty("lanes").EnumerateArray().ShouldHaveSingleItem();
        foreach (var name in new[] { "lane", "totalReads", "assignedReads", "undeterminedReads", "undeterminedFraction", "clustersPf", "q30Fraction" })
        {
            lane.TryGetProperty(name, out _).ShouldBeTrue(name);
        }
        lane.GetProperty("totalReads").GetInt64().ShouldBe(3_050_000);
        lane.GetProperty("undeterminedReads").GetInt64().ShouldBe(1_050_000);
        var rows = first.GetProperty("libraries").EnumerateArray().ToList();
        rows.Count.ShouldBe(3);
        foreach (var name in new[] { "lane", "libraryId", "libraryBarcode", "reads", "perfectReads", "oneMismatchReads", "twoMismatchReads", "yield",
                     "q30Fraction", "laneFraction", "expectedFraction", "verdict", "reason" })
        {
            rows[0].TryGetProperty(name, out _).ShouldBeTrue(name);
        }
        var weak = rows.Single(r => r.GetProperty("libraryId").GetGuid() == flipped.Id);
        weak.GetProperty("reads").GetInt64().ShouldBe(0);
        weak.GetProperty("verdict").GetString().ShouldBe("failed");
        rows.Where(r => r.GetProperty("libraryId").GetGuid() != flipped.Id).ShouldAllBe(r => r.GetProperty("verdict").GetString() == "passed");
        // One diagnosis finding names the library (lane_qc findings name libraries too: reads per library below the table's).
        var finding = first.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("libraryId").ValueKind == JsonValueKind.String && f.GetProperty("label").GetString() != "lane_qc")
            .ToList().ShouldHaveSingleItem(first.GetProperty("findings").GetRawText());
        finding.GetProperty("label").GetString().ShouldBe("i5_orientation");
        finding.GetProperty("strength").GetString().ShouldBe("confirmed");
        finding.GetProperty("libraryBarcode").GetString().ShouldBe(flipped.Barcode);
        finding.GetProperty("reads").GetInt64().ShouldBe(1_000_000);
        foreach (var name in new[] { "label", "strength", "lane", "libraryId", "libraryBarcode", "index", "index2", "reads", "kit", "otherLane", "fix" })
        {
            finding.TryGetProperty(name, out _).ShouldBeTrue(name);
        }

        // the same files again change nothing; different files make version 2, the first stays readable
        var again = await JsonAsync(await ImportAsync(runId, files), HttpStatusCode.OK);
        again.GetProperty("version").GetInt32().ShouldBe(1);
        var second = await JsonAsync(await ImportAsync(runId, await ReportsAsync(runId, reads: 900_000, flipped: flipped.Barcode)), HttpStatusCode.Created);
        second.GetProperty("version").GetInt32().ShouldBe(2);
        using var guest = await _lab.AsAsync("lab_technician"); // a run's results are the facility's
        (await guest.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/results/versions")).GetArrayLength().ShouldBe(2);
        (await guest.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/results?version=1"))
            .GetProperty("lanes")[0].GetProperty("totalReads").GetInt64()
            .ShouldBe(3_050_000);
        (await guest.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/results")).GetProperty("version").GetInt32().ShouldBe(2);

        var run = await guest.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
        run.GetProperty("resultsImportedAt").ValueKind.ShouldBe(JsonValueKind.String);
        run.GetProperty("verdict").GetString().ShouldBe("failed");
        var library = await guest.GetFromJsonAsync<JsonElement>($"/api/libraries/{libraries[0].Id}");
        library.GetProperty("sequencedReads").GetInt64().ShouldBe(900_000);
        library.GetProperty("runs").EnumerateArray().ShouldHaveSingleItem().GetProperty("runId").GetGuid().ShouldBe(runId);
        library.GetProperty("verdict").GetString().ShouldBe("passed");
        library.GetProperty("negativeControl").GetBoolean().ShouldBeFalse();
        var events = await guest.GetFromJsonAsync<JsonElement>($"/api/libraries/{flipped.Id}/events");
        events.EnumerateArray().ShouldContain(e => e.GetProperty("type").GetString() == "verdict");

        // the corrections and the corrected sheet: the i5 the tube really carries, with a header line saying so
        var corrections = await guest.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/results/corrections");
        var correction = corrections.EnumerateArray().ShouldHaveSingleItem();
        correction.GetProperty("field").GetString().ShouldBe("index2");
        correction.GetProperty("to").GetString().ShouldBe(ReverseComplement(flipped.Index.Index2!));
        var sheet = await guest.GetStringAsync($"/api/runs/{runId}/results/corrected-samplesheet?format=v2");
        sheet.ShouldContain($"TracSeqCorrection1,{flipped.Barcode} lane 1: index2");
        sheet.ShouldContain($"1,{flipped.Barcode},{flipped.Index.Index1},{flipped.Index.Index2}"); // v2 on v1.5 writes rc of the new i5
        (await guest.GetAsync($"/api/runs/{runId}/results/corrected-samplesheet?format=v3")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Refusals_are_problems_naming_the_file_and_store_nothing()
    {
        var (planned, _) = await RunAsync(start: false);
        var (runId, _) = await RunAsync();
        var files = await ReportsAsync(runId);
        var before = await VersionRowsAsync();

        var notStarted = await JsonAsync(await ImportAsync(planned, await ReportsAsync(planned)), HttpStatusCode.Conflict);
        var otherFlowcell = await JsonAsync(await ImportAsync(runId, await ReportsAsync(runId, flowcell: "HOTHERFC9")), HttpStatusCode.Conflict);
        var broken = new Dictionary<string, byte[]>(files)
        {
            ["Top_Unknown_Barcodes.csv"] = "Lane,index,index2,# Reads\r\n1,ACGT,ACGT,12\r\n1,ACGT,TTTT,many\r\n"u8.ToArray()
        };
        var badLine = await JsonAsync(await ImportAsync(runId, broken), HttpStatusCode.BadRequest);
        var noRunInfo = await JsonAsync(await ImportAsync(runId, files.Where(f => f.Key != "RunInfo.xml").ToDictionary()), HttpStatusCode.BadRequest);
        using var guestAttempt = await ImportAsync(runId, files, role: "guest");
        using var scientistAttempt = await ImportAsync(runId, files, role: "research_scientist");

        notStarted.GetProperty("detail").GetString()!.ShouldContain("planned");
        otherFlowcell.GetProperty("detail").GetString().ShouldBe("These files are from flow cell HOTHERFC9, this run is on HFLOWCELL1.");
        otherFlowcell.GetProperty("file").GetString().ShouldBe("RunInfo.xml");
        badLine.GetProperty("file").GetString().ShouldBe("Top_Unknown_Barcodes.csv");
        badLine.GetProperty("location").GetString().ShouldBe("line 3");
        noRunInfo.GetProperty("file").GetString().ShouldBe("RunInfo.xml");
        guestAttempt.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        scientistAttempt.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await VersionRowsAsync()).ShouldBe(before);
        using var guest = await _lab.AsAsync("lab_technician");
        (await guest.GetAsync($"/api/runs/{runId}/results")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await guest.GetAsync($"/api/runs/{Guid.NewGuid()}/results")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_top_up_run_adds_its_reads_and_turns_the_library_passed()
    {
        var (first, libraries) = await RunAsync(targetReads: 1_000_000);
        var library = libraries[0];
        var half = libraries.ToDictionary(l => l.Barcode, _ => 600_000L);

        var one = await JsonAsync(await ImportAsync(first, await ReportsAsync(first, readsOf: half)), HttpStatusCode.Created);
        // As a lab does it: the first run is complete (its results say top_up) before the top-up run is planned and started.
        (await _lab.MoveRunAsync(first, "completed")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (second, _) = await RunAsync(flowcell: "HTOPUPFC2", libraries: libraries);
        var two = await JsonAsync(await ImportAsync(second, await ReportsAsync(second, flowcell: "HTOPUPFC2", reads: 400_000)), HttpStatusCode.Created);

        one.GetProperty("libraries").EnumerateArray().ShouldAllBe(l => l.GetProperty("verdict").GetString() == "top_up");
        two.GetProperty("libraries").EnumerateArray().ShouldAllBe(l => l.GetProperty("verdict").GetString() == "passed");
        using var guest = await _lab.AsAsync("guest");
        var details = await guest.GetFromJsonAsync<JsonElement>($"/api/libraries/{library.Id}");
        details.GetProperty("sequencedReads").GetInt64().ShouldBe(1_000_000);
        details.GetProperty("targetReads").GetInt64().ShouldBe(1_000_000);
        details.GetProperty("runs").GetArrayLength().ShouldBe(2);
        details.GetProperty("verdict").GetString().ShouldBe("passed");
        // the first run's results (the facility's) now show the library's verdict over both runs; the member sees theirs above
        using var staff = await _lab.AsAsync("lab_technician");
        (await staff.GetFromJsonAsync<JsonElement>($"/api/runs/{first}/results"))
            .GetProperty("libraries")[0].GetProperty("verdict").GetString()
            .ShouldBe("passed");
    }

    [Fact]
    public async Task QC_thresholds_are_seeded_readable_by_all_and_replaced_only_by_a_lab_administrator()
    {
        using var guest = await _lab.AsAsync("guest");
        var table = await guest.GetFromJsonAsync<JsonElement>("/api/qc-thresholds");
        var rows = table.EnumerateArray().ToList();
        rows.ShouldContain(r => r.GetProperty("instrument").GetString() == "NovaSeq6000" && r.GetProperty("flowcellType").GetString() == "S4" &&
            r.GetProperty("read1Cycles").GetInt32() == 151 && r.GetProperty("clusterPfMillions").GetDouble() == 2000);
        rows.ShouldContain(r => r.GetProperty("instrument").GetString() == "MiSeq" && r.GetProperty("read1Cycles").GetInt32() == 301 &&
            r.GetProperty("undeterminedMaxPercent").GetDouble() == 14);

        using var technician = await _lab.AsAsync("lab_technician");
        using var admin = await _lab.AsAsync("lab_administrator");
        using var forbidden = await technician.PutAsJsonAsync("/api/qc-thresholds", table);
        using var invalid = await admin.PutAsJsonAsync("/api/qc-thresholds", new[] { new { instrument = "Sanger", flowcellType = "x", read1Cycles = 0 } });
        using var replaced = await admin.PutAsJsonAsync("/api/qc-thresholds", table);

        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
        (await replaced.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength().ShouldBe(rows.Count);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string ReverseComplement(string bases) =>
        new([.. bases.Reverse().Select(b => b switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', _ => 'A' })]);
}
