using System.Text.Json;
using TracSeq.Samples.Samples;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.UnitTests.Samples;

/// <summary>Merge-patch reading and applying: left out stays, null clears, only real differences are changes.</summary>
public class SamplePatchTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static readonly Sample Current = new()
    {
        Id = Guid.NewGuid(), Barcode = "LAB-0001", Name = "Liver biopsy", SampleType = "tissue", Status = "received",
        ProjectCode = "ONC-7", Volume = 250m, Concentration = 12.5m, Notes = "Keep cold", Metadata = """{"donor":"D-1"}""", Version = 3,
    };

    private static (SamplePatch Patch, IDictionary<string, string[]> Errors) Read(string json)
    {
        using var body = JsonDocument.Parse(json);
        var errors = new ValidationErrors();
        var patch = SamplePatch.Read(body.RootElement.Clone(), errors, Now);
        return (patch, errors.IsValid ? new Dictionary<string, string[]>() : errors.ToProblem().ProblemDetails.Errors);
    }

    [Fact]
    public void Fields_left_out_stay_null_clears_and_only_real_differences_are_recorded()
    {
        var (patch, errors) = Read("""{"name": "  Liver biopsy ", "volume": 240, "notes": null, "projectCode": "ONC-7"}""");

        errors.ShouldBeEmpty();
        var (values, changes) = patch.ApplyTo(Current);
        (values.Name, values.Volume, values.Notes, values.ProjectCode, values.Concentration, values.Barcode)
            .ShouldBe(("Liver biopsy", 240m, null, "ONC-7", 12.5m, "LAB-0001"));
        changes.Select(c => (c.Field, c.Old, c.New)).ShouldBe([("volume", (object?)250m, (object?)240m), ("notes", "Keep cold", null)]);
    }

    [Fact]
    public void Metadata_is_replaced_whole_and_null_empties_it()
    {
        var (replaced, _) = Read("""{"metadata": {"donor": "D-1", "aliquot": 2}}""");
        var (cleared, _) = Read("""{"metadata": null}""");
        var (same, _) = Read("""{"metadata": {"donor": "D-1"}}""");

        replaced.ApplyTo(Current).Values.Metadata.ShouldBe("""{"donor": "D-1", "aliquot": 2}""");
        cleared.ApplyTo(Current).Values.Metadata.ShouldBe("{}");
        same.ApplyTo(Current).Changes.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"status": "validated"}""", "status")]
    [InlineData("""{"locationId": null}""", "locationId")]
    [InlineData("""{"colour": "red"}""", "colour")]
    [InlineData("""{"name": null}""", "name")]
    [InlineData("""{"name": 7}""", "name")]
    [InlineData("""{"volume": "ten"}""", "volume")]
    [InlineData("""{"volume": -1}""", "volume")]
    [InlineData("""{"sampleType": "serum"}""", "sampleType")]
    [InlineData("""{"barcode": "ABCD-1\n"}""", "barcode")]
    [InlineData("""{"barcode": "TS-DNA-250101-00001"}""", "barcode")]
    [InlineData("""{"projectCode": "ONC 7"}""", "projectCode")]
    [InlineData("""{"collectedAt": "2099-01-01T00:00:00Z"}""", "collectedAt")]
    [InlineData("""{"metadata": [1, 2]}""", "metadata")]
    [InlineData("""{}""", "body")]
    [InlineData("""[]""", "body")]
    public void A_bad_field_is_an_error_named_after_it(string json, string field)
    {
        var (_, errors) = Read(json);

        errors.Keys.ShouldBe([field]);
    }
}
