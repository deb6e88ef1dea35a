using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.ServiceTests.Samples;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// Index kits imported through the gateway from Illumina kit definition files in the real format (the files the kit
/// parser's unit tests use), and written as JSON; every refusal names the line or field and writes nothing.
/// Each file's kit name can be imported once per stack, so each file is imported by one test.
/// </summary>
[Collection(SequencingServiceCollection.Name)]
public sealed class KitImportTests(SequencingService fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    private async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string role = "principal_investigator", string resource = "gateway",
        string field = "file")
    {
        using var client = await _lab.AsAsync(role, resource);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/tab-separated-values");
        form.Add(file, field, "kit.tsv");
        return await client.PostAsync("/api/index-kits", form);
    }

    private Task<HttpResponseMessage> UploadFileAsync(string name, string role = "principal_investigator") =>
        UploadAsync(File.ReadAllBytes(Path.Combine(RepositoryPaths.SequencingKits, name)), role);

    private static async Task<KitInfo> KitAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<KitInfo>(SequencingLab.Json))!;
    }

    [Fact]
    public async Task A_fixed_layout_96_well_UDI_plate_is_imported_once_and_its_wells_give_libraries_their_pairs()
    {
        var kit = await KitAsync(await UploadFileAsync("UdiPlate96.tsv"));

        kit.Name.ShouldBe("TracSeqUDIPlateA");
        kit.DisplayName.ShouldBe("TracSeq UD Indexes Plate A (96 Indexes)");
        kit.Version.ShouldBe("1.0.0");
        kit.Strategy.ShouldBe("unique_dual");
        kit.FixedLayout.ShouldBeTrue();
        kit.Indices.Count(i => i.Read == 1).ShouldBe(96);
        kit.Indices.Count(i => i.Read == 2).ShouldBe(96);
        kit.Wells.Count.ShouldBe(96);
        kit.Wells[0].ShouldBe(new KitWellInfo("A01", "UDP0001", "UDP0001"));
        kit.Wells[^1].ShouldBe(new KitWellInfo("H12", "UDP0096", "UDP0096"));
        kit.Adapters["AdapterRead1"].ShouldBe("CTGTCTCTTATACACATCT");
        using (var client = await _lab.AsAsync("guest"))
        {
            (await client.GetFromJsonAsync<KitInfo>($"/api/index-kits/{kit.Id}", SequencingLab.Json))!.Indices.Count.ShouldBe(192);
        }

        var before = await _lab.CountsAsync();
        using var again = await UploadFileAsync("UdiPlate96.tsv");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SampleLab.ProblemAsync(again)).GetProperty("name").GetString().ShouldBe("TracSeqUDIPlateA");
        (await _lab.CountsAsync()).ShouldBe(before);

        var library = await _lab.CreateLibraryAsync((await _lab.SampleAsync()).Id, new { kitId = kit.Id, well = "H12" });
        library.Index.I7Name.ShouldBe("UDP0096");
        library.Index.I5Name.ShouldBe("UDP0096");
        library.Index.Index1.ShouldBe(kit.Indices.Single(i => i.Read == 1 && i.Name == "UDP0096").Sequence);
        library.Index.Index2.ShouldBe(kit.Indices.Single(i => i.Read == 2 && i.Name == "UDP0096").Sequence);
    }

    [Fact]
    public async Task A_combinatorial_kit_has_no_wells_and_libraries_pick_their_i7_and_i5_by_name()
    {
        var kit = await KitAsync(await UploadFileAsync("Combinatorial24x16.tsv"));

        kit.Strategy.ShouldBe("dual");
        kit.FixedLayout.ShouldBeFalse();
        kit.Wells.ShouldBeEmpty();
        kit.Indices.Count.ShouldBe(40);
        var sample = await _lab.SampleAsync();
        var library = await _lab.CreateLibraryAsync(sample.Id, new { kitId = kit.Id, i7Name = "N705", i5Name = "S503" });
        library.Index.Index1.ShouldBe("AAGGCTAC");

        using var byWell = await _lab.PostLibraryAsync(new { sampleId = sample.Id, index = new { kitId = kit.Id, well = "A01" } });
        using var unknownName = await _lab.PostLibraryAsync(new { sampleId = sample.Id, index = new { kitId = kit.Id, i7Name = "N799", i5Name = "S503" } });
        (await SampleLab.ErrorFieldsAsync(byWell)).ShouldBe(["index.well"]);
        (await SampleLab.ErrorFieldsAsync(unknownName)).ShouldBe(["index.i7Name"]);
    }

    [Fact]
    public async Task A_kit_file_with_a_wide_header_blank_lines_mixed_line_endings_and_trailing_tabs_is_accepted()
    {
        var kit = await KitAsync(await UploadFileAsync("Quirks.tsv"));

        kit.Name.ShouldBe("TracSeqQuirkyPlate");
        kit.Wells.Count.ShouldBe(8);
        kit.Indices.Count.ShouldBe(16);
        kit.Indices.ShouldAllBe(i => i.Sequence == i.Sequence.ToUpperInvariant());
        kit.Indices.First(i => i.Name == "Q7-01").Sequence.ShouldBe("TGGCTATC");
    }

    [Fact]
    public async Task A_kit_file_with_two_adapters_joined_by_plus_is_imported_and_the_runs_sheets_trim_both()
    {
        // The shape of Illumina's DNA/RNA UD Indexes Set D, Tagmentation, ILMN PCR-Free definition (once a 400).
        const string setD = "CTGTCTCTTATACACATCTCCGAGCCCACGAGAC+ATGTGTATAAGAGACA";
        var kit = await KitAsync(await UploadFileAsync("UdiSetD.tsv"));
        kit.Adapters.ShouldBe(new Dictionary<string, string> { ["AdapterRead1"] = setD, ["AdapterRead2"] = setD });

        var library = await _lab.CreateLibraryAsync((await _lab.SampleAsync()).Id, new { kitId = kit.Id, well = "C01" });
        var pool = await _lab.CreatePoolAsync([library.Id]);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeqX", [(1, pool.Id)], index1Cycles: 10, index2Cycles: 10));
        using var client = await _lab.AsAsync("lab_technician"); // sample sheets are the facility's
        var v2 = await client.GetStringAsync($"/api/runs/{run.Id}/samplesheet?format=v2");
        var v1 = await client.GetStringAsync($"/api/runs/{run.Id}/samplesheet?format=v1");

        v2.ShouldContain($"\r\nAdapterRead1,{setD}\r\nAdapterRead2,{setD}\r\n");
        v2.ShouldContain("[BCLConvert_Settings]\r\nSoftwareVersion,4.2.7\r\n");
        v2.ShouldContain("\r\nIndexOrientation,Forward\r\n");
        v1.ShouldContain($"[Settings]\r\nAdapter,{setD}\r\nAdapterRead2,{setD}\r\n");
    }

    [Fact]
    public async Task A_single_index_kit_is_imported_as_single()
    {
        var kit = await KitAsync(await UploadFileAsync("SingleIndex12.tsv"));

        kit.Strategy.ShouldBe("single");
        kit.Indices.Count.ShouldBe(12);
        kit.Indices.ShouldAllBe(i => i.Read == 1);
    }

    [Theory]
    [InlineData("Refuse-NonAcgtBases.tsv", "line 14")]
    [InlineData("Refuse-DuplicateName.tsv", "line 15")]
    [InlineData("Refuse-WellOutsidePlate.tsv", "line 9")]
    [InlineData("Refuse-UnknownIndexInWell.tsv", "line 9")]
    [InlineData("Refuse-MissingName.tsv", "line 2")]
    [InlineData("Refuse-NoIndices.tsv", "[Indices]")]
    public async Task A_kit_file_with_a_real_error_is_400_naming_the_line_and_nothing_is_imported(string file, string key)
    {
        var before = await _lab.CountsAsync();

        using var response = await UploadFileAsync(file);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await SampleLab.ErrorFieldsAsync(response)).ShouldBe([key]);
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Uploads_without_a_file_empty_files_and_other_media_types_are_refused()
    {
        var before = await _lab.CountsAsync();
        using var client = await _lab.AsAsync("principal_investigator");

        using var wrongField = await UploadAsync(Encoding.UTF8.GetBytes("[IndexKit]\n"), field: "kit");
        using var empty = await UploadAsync([]);
        using var binary = await UploadAsync([0xFF, 0xFE, 0x00, 0xC3, 0x28]);
        using var text = await client.PostAsync("/api/index-kits", new StringContent("[IndexKit]", Encoding.UTF8, "text/plain"));

        (await SampleLab.ErrorFieldsAsync(wrongField)).ShouldBe(["file"]);
        (await SampleLab.ErrorFieldsAsync(empty)).ShouldBe(["file"]);
        binary.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        text.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_JSON_kit_is_checked_by_the_same_rules_and_a_name_used_twice_is_409()
    {
        using var client = await _lab.AsAsync("principal_investigator");
        var name = SampleLab.Unique("JSONKIT");
        var before = await _lab.CountsAsync();

        using var badBase = await client.PostAsJsonAsync("/api/index-kits", new
        {
            name, strategy = "dual",
            indices = new[] { new { name = "A", sequence = "ACGTNCGT", read = 1 }, new { name = "B", sequence = "ACGTACGT", read = 2 } },
        });
        using var unknownWell = await client.PostAsJsonAsync("/api/index-kits", new
        {
            name, strategy = "unique_dual",
            indices = new[] { new { name = "A", sequence = "ACGTACGT", read = 1 }, new { name = "B", sequence = "ACGTACGT", read = 2 } },
            wells = new[] { new { well = "A01", i7Name = "Z", i5Name = "B" } },
        });
        using var badStrategy = await client.PostAsJsonAsync("/api/index-kits", new
        {
            name, strategy = "quadruple", indices = new[] { new { name = "A", sequence = "ACGTACGT", read = 1 } },
        });
        using var wrongType = await client.PostAsync("/api/index-kits",
            new StringContent($$"""{"name": "{{name}}", "strategy": "single", "indices": "ACGT"}""", Encoding.UTF8, "application/json"));

        (await SampleLab.ErrorFieldsAsync(badBase)).ShouldBe(["indices[0].sequence"]);
        (await SampleLab.ErrorFieldsAsync(unknownWell)).ShouldBe(["wells[0].i7Name"]);
        (await SampleLab.ErrorFieldsAsync(badStrategy)).ShouldBe(["strategy"]);
        (await SampleLab.ErrorFieldsAsync(wrongType)).ShouldBe(["indices"]);
        (await _lab.CountsAsync()).ShouldBe(before);

        await _lab.CreateJsonKitAsync(name);
        using var twice = await client.PostAsJsonAsync("/api/index-kits", new
        {
            name = name.ToLowerInvariant(), strategy = "single", indices = new[] { new { name = "A", sequence = "ACGTACGT", read = 1 } },
        });
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }
}
