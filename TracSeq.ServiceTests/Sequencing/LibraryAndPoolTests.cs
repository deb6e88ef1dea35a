using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.ServiceTests.Samples;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>Libraries made from samples (index from a kit well, kit names or custom), index checks and pools, through the gateway.</summary>
[Collection(SequencingServiceCollection.Name)]
public sealed partial class LibraryAndPoolTests(SequencingService fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    [GeneratedRegex(@"^TS-POOL-\d{6}-\d{5}$")]
    private static partial Regex PoolBarcode();

    [Fact]
    public async Task Libraries_take_kit_index_names_or_custom_sequences_and_molarity_is_null_without_a_size()
    {
        var kit = await _lab.CreateJsonKitAsync();
        var byNames = await _lab.CreateLibraryAsync((await _lab.SampleAsync("received")).Id, new { kitId = kit.Id, i7Name = "D705", i5Name = "D508" });
        var custom = await _lab.CreateLibraryAsync((await _lab.SampleAsync("validated")).Id, new { index1 = "acgtacgt" }, fragmentSizeBp: null);

        byNames.Index.ShouldBe(new LibraryIndexInfo(kit.Id, kit.Name, null, "D705", "D508", SequencingLab.I7[4], SequencingLab.I5[7]));
        custom.Index.ShouldBe(new LibraryIndexInfo(null, null, null, null, null, "ACGTACGT", null));
        custom.MolarityNm.ShouldBeNull();

        using var client = await _lab.AsAsync("guest");
        var bySample = await client.GetFromJsonAsync<PageOf<LibraryInfo>>($"/api/libraries?sampleId={custom.SampleId}", SequencingLab.Json);
        bySample!.Items.Select(l => l.Id).ShouldBe([custom.Id]);
        var byText = await client.GetFromJsonAsync<PageOf<LibraryInfo>>($"/api/libraries?q={byNames.Barcode}", SequencingLab.Json);
        byText!.Items.Select(l => l.Id).ShouldBe([byNames.Id]);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("in_sequencing")]
    [InlineData("rejected")]
    [InlineData("discarded")]
    public async Task A_sample_not_received_validated_or_stored_gives_409_naming_its_status_and_nothing_is_written(string status)
    {
        var sample = await _lab.SampleAsync(status);
        var before = await _lab.CountsAsync();

        using var response = await _lab.PostLibraryAsync(new { sampleId = sample.Id, index = new { index1 = "ACGTACGT" } });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await SampleLab.ProblemAsync(response);
        problem.GetProperty("sampleStatus").GetString().ShouldBe(status);
        problem.GetProperty("title").GetString()!.ShouldContain(status);
        (await _lab.CountsAsync()).ShouldBe(before);
        (await _lab.Samples.EventsAsync(sample.Id)).ShouldNotContain(e => e.Type == "library_created");
    }

    [Fact]
    public async Task Editing_a_library_changes_its_measures_and_failing_it_needs_a_reason()
    {
        var library = (await _lab.LibrariesAsync(("GGACTCCT", "TAGATCGC")))[0];
        using var client = await _lab.AsAsync("lab_technician");

        using var patched = await client.PatchAsJsonAsync($"/api/libraries/{library.Id}", new { fragmentSizeBp = 500, concentrationNgUl = 6.6m });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var edited = (await patched.Content.ReadFromJsonAsync<LibraryInfo>(SequencingLab.Json))!;
        edited.MolarityNm.ShouldBe(20m); // 6.6 × 10⁶ / (660 × 500)
        edited.PrepKit.ShouldBe(library.PrepKit);

        using var noReason = await client.PostAsJsonAsync($"/api/libraries/{library.Id}/status", new { to = "failed" });
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(noReason)).ShouldBe(["reason"]);
        using var failed = await client.PostAsJsonAsync($"/api/libraries/{library.Id}/status", new { to = "failed", reason = "adapter dimers" });
        failed.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var again = await client.PostAsJsonAsync($"/api/libraries/{library.Id}/status", new { to = "archived", reason = "done" });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var events = await client.GetFromJsonAsync<JsonElement>($"/api/libraries/{library.Id}/events", SequencingLab.Json);
        events.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldBe(["created", "updated", "status_changed"]);
    }

    [Fact]
    public async Task The_index_check_reports_collisions_and_warnings_and_writes_nothing()
    {
        using var client = await _lab.AsAsync("lab_technician");
        var before = await _lab.CountsAsync();

        using var response = await client.PostAsJsonAsync("/api/index-checks", new
        {
            barcodeMismatchesIndex1 = 1,
            barcodeMismatchesIndex2 = 1,
            entries = new object[]
            {
                new { id = "a", index1 = "ACGTACGT", index2 = "TTTTGGGG" },
                new { id = "b", index1 = "ACGTACGA", index2 = "TTTTGGCC" },   // 1 and 2 apart: collides with a
                new { id = "c", index1 = "GGGGCCCC" },                         // single-indexed among dual: a warning
            },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(SequencingLab.Json);
        body.GetProperty("ok").GetBoolean().ShouldBeFalse();
        var collision = body.GetProperty("collisions").EnumerateArray().ShouldHaveSingleItem();
        (collision.GetProperty("a").GetString(), collision.GetProperty("b").GetString()).ShouldBe(("a", "b"));
        collision.GetProperty("index1Distance").GetInt32().ShouldBe(1);
        collision.GetProperty("index2Distance").GetInt32().ShouldBe(2);
        body.GetProperty("warnings").GetArrayLength().ShouldBeGreaterThan(0);
        (await _lab.CountsAsync()).ShouldBe(before);

        using var strict = await client.PostAsJsonAsync("/api/index-checks", new
        {
            barcodeMismatchesIndex1 = 0, barcodeMismatchesIndex2 = 0,
            entries = new[] { new { id = "a", index1 = "ACGTACGT", index2 = "TTTTGGGG" }, new { id = "b", index1 = "ACGTACGA", index2 = "TTTTGGCC" } },
        });
        (await strict.Content.ReadFromJsonAsync<JsonElement>(SequencingLab.Json)).GetProperty("ok").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task The_index_check_reads_libraries_by_id()
    {
        var libraries = await _lab.LibrariesAsync(("CAGATCTG", "GTACTGAC"), ("CAGATCTA", "GTACTGAT"));
        using var client = await _lab.AsAsync("lab_technician");

        using var response = await client.PostAsJsonAsync("/api/index-checks", new { libraryIds = libraries.Select(l => l.Id) });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(SequencingLab.Json);
        var collision = body.GetProperty("collisions").EnumerateArray().ShouldHaveSingleItem();
        new[] { collision.GetProperty("a").GetString(), collision.GetProperty("b").GetString() }.ShouldBe(libraries.Select(l => l.Barcode), ignoreOrder: true);
    }

    [Fact]
    public async Task A_pool_without_collisions_is_created_and_a_library_may_be_in_several_pools()
    {
        var libraries = await _lab.LibrariesAsync(
            (SequencingLab.I7[0], SequencingLab.I5[0]), (SequencingLab.I7[1], SequencingLab.I5[1]), (SequencingLab.I7[2], SequencingLab.I5[2]));

        var pool = await _lab.CreatePoolAsync(libraries.Select(l => l.Id), "Exome pool 7");
        var second = await _lab.CreatePoolAsync([libraries[0].Id]);

        pool.Barcode.ShouldMatch(PoolBarcode().ToString());
        pool.Name.ShouldBe("Exome pool 7");
        pool.Libraries.Select(l => l.Id).ShouldBe(libraries.Select(l => l.Id));
        pool.Collisions.GetArrayLength().ShouldBe(0);
        second.Libraries.ShouldHaveSingleItem().Id.ShouldBe(libraries[0].Id);

        using var client = await _lab.AsAsync("lab_technician"); // pools are the facility's
        var inPool = await client.GetFromJsonAsync<PageOf<LibraryInfo>>($"/api/libraries?poolId={pool.Id}", SequencingLab.Json);
        inPool!.Items.Select(l => l.Id).ShouldBe(libraries.Select(l => l.Id), ignoreOrder: true);
        var read = await client.GetFromJsonAsync<PoolInfo>($"/api/pools/{pool.Id}", SequencingLab.Json);
        read!.Barcode.ShouldBe(pool.Barcode);
    }

    [Fact]
    public async Task A_pool_with_colliding_libraries_is_409_with_the_pairs_and_nothing_is_created()
    {
        var libraries = await _lab.LibrariesAsync(("ACGTACGT", "TTTTGGGG"), ("ACGTACGA", "TTTTGGGC"), (SequencingLab.I7[3], SequencingLab.I5[3]));
        var before = await _lab.CountsAsync();

        using var response = await _lab.PostPoolAsync(libraries.Select(l => l.Id));

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await SampleLab.ProblemAsync(response);
        var pair = problem.GetProperty("collisions").EnumerateArray().ShouldHaveSingleItem();
        new[] { pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString() }.ShouldBe([libraries[0].Barcode, libraries[1].Barcode],
            ignoreOrder: true);
        pair.GetProperty("index1Distance").GetInt32().ShouldBe(1);
        pair.GetProperty("index2Distance").GetInt32().ShouldBe(1);
        (await _lab.CountsAsync()).ShouldBe(before);

        // The same libraries pass with no mismatches allowed (distance 1 > 2 × 0).
        using var strict = await _lab.PostPoolAsync(libraries.Select(l => l.Id), m1: 0, m2: 0);
        strict.StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
