using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Sequencing;

/// <summary>Libraries made from samples (index from a kit well, kit names or custom), index checks and pools, through the gateway.</summary>
[Collection(AppHostCollection.Name)]
public sealed partial class LibraryAndPoolTests(AppHostFixture fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    [GeneratedRegex(@"^TS-LIB-\d{6}-\d{5}$")]
    private static partial Regex LibraryBarcode();

    [Fact]
    public async Task A_library_from_a_kit_well_gets_a_barcode_its_indices_a_molarity_and_a_library_created_event_on_its_sample()
    {
        var kit = await _lab.CreateJsonKitAsync();
        var sample = await _lab.SampleAsync("in_storage");

        var library = await _lab.CreateLibraryAsync(sample.Id, new { kitId = kit.Id, well = "c01" }, fragmentSizeBp: 350, concentrationNgUl: 2.31m);

        library.Barcode.ShouldMatch(LibraryBarcode().ToString());
        library.Barcode[7..13].ShouldBe(DateTime.UtcNow.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture));
        library.SampleId.ShouldBe(sample.Id);
        library.SampleBarcode.ShouldBe(sample.Barcode);
        library.Name.ShouldBe(sample.Name);
        library.Status.ShouldBe("active");
        library.Index.ShouldBe(new LibraryIndexInfo(kit.Id, kit.Name, "C01", "D703", "D503", SequencingLab.I7[2], SequencingLab.I5[2]));
        // 2.31 ng/µL × 10⁶ / (660 × 350 bp) = 10 nM
        library.MolarityNm.ShouldBe(10m);

        var trail = await _lab.Samples.EventsAsync(sample.Id);
        var created = trail.Single(e => e.Type == "library_created");
        created.Change("library").GetProperty("new").GetProperty("barcode").GetString().ShouldBe(library.Barcode);
        created.Change("library").GetProperty("new").GetProperty("id").GetGuid().ShouldBe(library.Id);
        created.Actor.Email.ShouldNotBeNull();
        (await _lab.Samples.GetSampleAsync(sample.Id)).Status.ShouldBe("in_storage"); // making a library moves nothing

        using var client = await _lab.AsAsync("guest");
        var read = await client.GetFromJsonAsync<LibraryInfo>($"/api/libraries/{library.Id}", SequencingLab.Json);
        read!.Barcode.ShouldBe(library.Barcode);
        var events = await client.GetFromJsonAsync<JsonElement>($"/api/libraries/{library.Id}/events", SequencingLab.Json);
        events.GetArrayLength().ShouldBe(1);
        events[0].GetProperty("type").GetString().ShouldBe("created");
        events[0].GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
    }
}
