using System.Text.Json;
using TracSeq.Samples.Samples;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.UnitTests.Samples;

public class SampleRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static IEnumerable<string> Fields(CreateSampleRequest request, string prefix = "")
    {
        var errors = new ValidationErrors().CheckNew(request, prefix, Now);
        return errors.IsValid ? [] : errors.ToProblem().ProblemDetails.Errors.Keys;
    }

    private static CreateSampleRequest Valid() => new("Liver biopsy", "tissue", null, 250m, 12.5m, 8.1m, "ONC-7", Now.AddDays(-1), null, null);

    [Fact]
    public void A_complete_sample_passes() => Fields(Valid()).ShouldBeEmpty();

    [Fact]
    public void Each_bad_field_is_named_with_the_batch_prefix()
    {
        using var metadata = JsonDocument.Parse("[1]");
        var bad = new CreateSampleRequest(
            " ", "serum", "ABCD-1\n", -1m, 1_000_001m, 101m, "ONC 7", Now.AddHours(1), new string('n', 4001), metadata.RootElement);

        Fields(bad, "samples[3].").ShouldBe(
            ["samples[3].name", "samples[3].sampleType", "samples[3].barcode", "samples[3].volume", "samples[3].concentration",
             "samples[3].qualityScore", "samples[3].projectCode", "samples[3].collectedAt", "samples[3].notes", "samples[3].metadata"],
            ignoreOrder: true);
    }

    [Theory]
    [InlineData("""{"a": 1, "a": 2}""")]
    [InlineData("""{" ": 1}""")]
    public void Metadata_keys_must_be_distinct_and_not_blank(string json)
    {
        using var metadata = JsonDocument.Parse(json);

        Fields(Valid() with { Metadata = metadata.RootElement }).ShouldBe(["metadata"]);
    }

    [Fact]
    public void The_barcode_problem_tells_a_malformed_barcode_from_a_reserved_one()
    {
        Barcodes.Problem("ABCD-1\n", "barcode")!.ShouldContain("4 to 50 capital letters");
        Barcodes.Problem("TS-DNA-250101-00001", "barcode")!.ShouldContain("reserved");
        Barcodes.Problem("LAB-0001", "barcode").ShouldBeNull();
    }
}
