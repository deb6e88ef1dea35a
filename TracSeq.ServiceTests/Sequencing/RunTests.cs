using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.ServiceTests.Samples;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// Runs through the gateway: planning rules (instrument lanes, index length against cycles, run names, collisions per
/// lane), status moves that move the samples in Samples all or nothing, and the sample sheets.
/// </summary>
[Collection(SequencingServiceCollection.Name)]
public sealed class RunTests(SequencingService fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    private async Task<(PoolInfo Pool, IReadOnlyList<LibraryInfo> Libraries)> PoolAsync(params int[] indices)
    {
        var libraries = await _lab.LibrariesAsync([.. indices.Select(i => (SequencingLab.I7[i], (string?)SequencingLab.I5[i]))]);
        return (await _lab.CreatePoolAsync(libraries.Select(l => l.Id)), libraries);
    }

    [Theory]
    [InlineData("MiSeq", 2)]
    [InlineData("iSeq100", 2)]
    [InlineData("NextSeq2000", 3)]
    [InlineData("NextSeq550", 5)]
    [InlineData("NovaSeq6000", 5)]
    [InlineData("HiSeq2500", 9)]
    [InlineData("NovaSeqX", 9)]
    public async Task A_lane_beyond_the_instruments_flow_cell_is_400_and_its_last_lane_is_fine(string instrument, int beyond)
    {
        var (pool, _) = await PoolAsync(0);
        var before = await _lab.CountsAsync();

        using var refused = await _lab.PostRunAsync(SequencingLab.RunBody(instrument, [(beyond, pool.Id)]));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await refused.Content.ReadAsStringAsync());
        (await SampleLab.ErrorFieldsAsync(refused)).ShouldBe(["lanes[0].lane"]);
        (await _lab.CountsAsync()).ShouldBe(before);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody(instrument, [(beyond - 1, pool.Id)]));
        run.Status.ShouldBe("planned");
        run.History.ShouldHaveSingleItem().To.ShouldBe("planned");
    }

    [Fact]
    public async Task An_index_longer_than_the_index_cycles_is_400_and_a_shorter_one_or_an_unread_index_2_is_fine()
    {
        var (pool, libraries) = await PoolAsync(1);

        using var tooFew = await _lab.PostRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], index1Cycles: 6, index2Cycles: 8));
        using var noIndex2 = await _lab.PostRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], index1Cycles: 8, index2Cycles: 0));

        tooFew.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(tooFew)).ShouldBe(["reads.index1Cycles"]);
        (await tooFew.Content.ReadAsStringAsync()).ShouldContain(libraries[0].Barcode);
        noIndex2.StatusCode.ShouldBe(HttpStatusCode.Created); // demultiplexed on Index 1 alone
        // A pool is on one active run at a time: cancel that one before planning the pool again.
        var planned = (await noIndex2.Content.ReadFromJsonAsync<RunInfo>(SequencingLab.Json))!;
        (await _lab.MoveRunAsync(planned.Id, "cancelled")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], index1Cycles: 10, index2Cycles: 10))).Status.ShouldBe("planned");
    }

    [Theory]
    [InlineData("name", "Run, with a comma")]
    [InlineData("name", "Run\nnext line")]
    [InlineData("name", "")]
    [InlineData("instrument", "NovaSeq 6000")]
    [InlineData("chemistry", "v2.0")]
    public async Task Bad_run_fields_are_400_naming_the_field(string field, string value)
    {
        var (pool, _) = await PoolAsync(2);
        var body = JsonSerializer.SerializeToNode(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)]), SequencingLab.Json)!.AsObject();
        body[field] = value;
        var before = await _lab.CountsAsync();

        using var response = await _lab.PostRunAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(response)).ShouldContain(field);
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Colliding_libraries_on_one_lane_are_409_naming_the_lane_and_pair_but_on_different_lanes_they_are_fine()
    {
        var a = await _lab.LibrariesAsync(("ACGTACGT", "CCCCAAAA"));
        var b = await _lab.LibrariesAsync(("ACGTACCT", "CCCCAAAT"));
        var poolA = await _lab.CreatePoolAsync([a[0].Id]);
        var poolB = await _lab.CreatePoolAsync([b[0].Id]);
        var before = await _lab.CountsAsync();

        using var sameLane = await _lab.PostRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, poolA.Id), (2, poolA.Id), (2, poolB.Id)]));

        sameLane.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var lane = (await SampleLab.ProblemAsync(sameLane)).GetProperty("lanes").EnumerateArray().ShouldHaveSingleItem();
        lane.GetProperty("lane").GetInt32().ShouldBe(2);
        var pair = lane.GetProperty("collisions").EnumerateArray().ShouldHaveSingleItem();
        new[] { pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString() }.ShouldBe([a[0].Barcode, b[0].Barcode], ignoreOrder: true);
        (await _lab.CountsAsync()).ShouldBe(before);

        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, poolA.Id), (2, poolB.Id)]));
        run.Lanes.GetArrayLength().ShouldBe(2);
        run.Samples.Select(s => s.Id).ShouldBe([a[0].SampleId, b[0].SampleId], ignoreOrder: true);
    }

    [Fact]
    public async Task A_run_start_refused_for_one_sample_is_409_naming_it_and_nothing_moves()
    {
        var ready = await _lab.LibrariesAsync((SequencingLab.I7[6], SequencingLab.I5[6]));
        var onlyReceived = await _lab.SampleAsync("received"); // received → in_sequencing is not a lifecycle move
        var stuck = await _lab.CreateLibraryAsync(onlyReceived.Id, new { index1 = SequencingLab.I7[7], index2 = SequencingLab.I5[7] });
        var pool = await _lab.CreatePoolAsync([ready[0].Id, stuck.Id]);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeqX", [(1, pool.Id)]));
        var readyEvents = (await _lab.Samples.EventsAsync(ready[0].SampleId)).Count;

        using var response = await _lab.MoveRunAsync(run.Id, "sequencing");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await SampleLab.ProblemAsync(response);
        problem.GetProperty("detail").GetString()!.ShouldContain(onlyReceived.Barcode);
        problem.GetProperty("refused").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetGuid().ShouldBe(onlyReceived.Id);
        (await _lab.GetRunAsync(run.Id)).Status.ShouldBe("planned");
        (await _lab.Samples.GetSampleAsync(ready[0].SampleId)).Status.ShouldBe("validated");
        (await _lab.Samples.EventsAsync(ready[0].SampleId)).Count.ShouldBe(readyEvents);
        (await _lab.Samples.GetSampleAsync(onlyReceived.Id)).Status.ShouldBe("received");
    }

    [Fact]
    public async Task Sample_sheets_v2_and_v1_are_downloaded_as_csv_attachments_with_the_i5_orientation_each_needs()
    {
        var samples = new[] { await _lab.SampleAsync(projectCode: "ONC-7"), await _lab.SampleAsync(projectCode: "ONC-7"),
            await _lab.SampleAsync(projectCode: null) }; // no project named: the lab files it under its default project
        var libraries = new List<LibraryInfo>();
        string[] names = ["Lib 1, tumour", "Lib 2\nnormal", "Lib-3_ok"];
        for (var i = 0; i < 3; i++)
        {
            using var created = await _lab.PostLibraryAsync(new { sampleId = samples[i].Id, name = names[i],
                index = new { index1 = SequencingLab.I7[i], index2 = SequencingLab.I5[i] } });
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            libraries.Add((await created.Content.ReadFromJsonAsync<LibraryInfo>(SequencingLab.Json))!);
        }
        var laneOne = await _lab.CreatePoolAsync([libraries[0].Id, libraries[1].Id]);
        var laneTwo = await _lab.CreatePoolAsync([libraries[2].Id]);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, laneOne.Id), (2, laneTwo.Id)], name: "Run 42-A"));
        var (l1, l2, l3) = (libraries[0].Barcode, libraries[1].Barcode, libraries[2].Barcode);
        string[] rc = [.. SequencingLab.I5.Take(3).Select(ReverseComplement)];

        var v2 = await DownloadAsync(run.Id, "v2");
        var v1 = await DownloadAsync(run.Id, "v1");

        // NovaSeq 6000 with v1.5 reagents reads i5 after the turnaround: both standalone BCL Convert and bcl2fastq want
        // the reverse complement of the forward i5 (Illumina knowledge article 000001800).
        v2.ShouldBe(Crlf($"""
            [Header]
            FileFormatVersion,2
            RunName,Run_42-A
            InstrumentPlatform,NovaSeq6000
            InstrumentType,NovaSeq6000

            [Reads]
            Read1Cycles,151
            Read2Cycles,151
            Index1Cycles,8
            Index2Cycles,8

            [BCLConvert_Settings]
            SoftwareVersion,4.2.7
            BarcodeMismatchesIndex1,1
            BarcodeMismatchesIndex2,1

            [BCLConvert_Data]
            Lane,Sample_ID,Index,Index2,Sample_Project
            1,{l1},{SequencingLab.I7[0]},{rc[0]},ONC-7
            1,{l2},{SequencingLab.I7[1]},{rc[1]},ONC-7
            2,{l3},{SequencingLab.I7[2]},{rc[2]},{SampleLab.DefaultProject}

            """));
        v1.ShouldBe(Crlf($"""
            [Header]
            IEMFileVersion,5
            Experiment Name,Run_42-A
            Workflow,GenerateFASTQ
            Application,FASTQ Only
            Instrument Type,NovaSeq 6000
            Assay,
            Chemistry,Amplicon

            [Reads]
            151
            151

            [Settings]
            BarcodeMismatchesIndex1,1
            BarcodeMismatchesIndex2,1

            [Data]
            Lane,Sample_ID,Sample_Name,index,index2,Sample_Project
            1,{l1},Lib_1__tumour,{SequencingLab.I7[0]},{rc[0]},ONC-7
            1,{l2},Lib_2_normal,{SequencingLab.I7[1]},{rc[1]},ONC-7
            2,{l3},Lib-3_ok,{SequencingLab.I7[2]},{rc[2]},{SampleLab.DefaultProject}

            """));
    }

    [Fact]
    public async Task A_NextSeq_2000_v2_sheet_keeps_i5_forward_and_masks_short_indices_with_OverrideCycles()
    {
        var (pool, libraries) = await PoolAsync(4);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NextSeq2000", [(1, pool.Id)], index1Cycles: 10, index2Cycles: 10));

        var v2 = await DownloadAsync(run.Id, "v2");
        var v1 = await DownloadAsync(run.Id, "v1");

        v2.ShouldContain("\r\nInstrumentPlatform,NextSeq1k2k\r\n");
        v2.ShouldContain("\r\nOverrideCycles,Y151;I8N2;");
        v2.ShouldContain($"\r\n1,{libraries[0].Barcode},{SequencingLab.I7[4]},{SequencingLab.I5[4]},SEQ-1\r\n");
        v1.ShouldContain($"\r\n1,{libraries[0].Barcode},");
        v1.ShouldContain($",{SequencingLab.I7[4]},{ReverseComplement(SequencingLab.I5[4])},SEQ-1\r\n");

        using var client = await _lab.AsAsync("lab_technician"); // sample sheets are the facility's
        using var bad = await client.GetAsync($"/api/runs/{run.Id}/samplesheet?format=v3");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(bad)).ShouldBe(["format"]);
        using var unknown = await client.GetAsync($"/api/runs/{Guid.NewGuid()}/samplesheet");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<string> DownloadAsync(Guid runId, string format)
    {
        using var client = await _lab.AsAsync("lab_technician");
        using var response = await client.GetAsync($"/api/runs/{runId}/samplesheet?format={format}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.ToString().ShouldBe("attachment; filename=SampleSheet.csv");
        return await response.Content.ReadAsStringAsync();
    }

    private static string Crlf(string text) => text.ReplaceLineEndings("\r\n");

    private static string ReverseComplement(string bases) =>
        new([.. bases.Reverse().Select(b => b switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', _ => 'A' })]);
}
