using TracSeq.Contracts;

namespace TracSeq.UnitTests.Contracts;

public class BarcodeRulesTests
{
    [Theory]
    [InlineData("ABCD")]                 // the shortest: 4
    [InlineData("LAB-PLATE7-A01")]
    [InlineData("0000-1")]
    [InlineData("TS-DNA-250101")]        // TS- alone is not the generated shape
    [InlineData("TS-DNAX-250101-00001")] // nor is a four-letter type
    public void A_client_barcode_in_the_pattern_is_acceptable(string barcode) =>
        BarcodeRules.Classify(barcode).ShouldBe(BarcodeShape.Acceptable);

    [Theory]
    [InlineData("")]
    [InlineData("ABC")]                  // too short
    [InlineData("abc-123")]              // lower case
    [InlineData("-ABCD")]                // starts with a hyphen
    [InlineData("AB CD")]                // space
    [InlineData("ABCD_1")]               // underscore
    [InlineData("ABCD-1\n")]             // a trailing line feed: "$" would have let it through
    [InlineData("ABCD-1\r\n")]
    [InlineData("\nABCD-1")]
    [InlineData("ABCDÉ")]                // not ASCII
    public void A_barcode_outside_the_pattern_is_malformed(string barcode) =>
        BarcodeRules.Classify(barcode).ShouldBe(BarcodeShape.Malformed);

    [Fact]
    public void Fifty_characters_are_allowed_and_fifty_one_are_not()
    {
        BarcodeRules.Classify(new string('A', BarcodeRules.MaxLength)).ShouldBe(BarcodeShape.Acceptable);
        BarcodeRules.Classify(new string('A', BarcodeRules.MaxLength + 1)).ShouldBe(BarcodeShape.Malformed);
    }

    [Theory]
    [InlineData("TS-DNA-250101-00001")]
    [InlineData("TS-BLD-991231-1234567")] // the number may outgrow five digits
    public void The_generated_shape_is_reserved(string barcode) =>
        BarcodeRules.Classify(barcode).ShouldBe(BarcodeShape.Reserved);

    [Fact]
    public void The_generated_shape_with_a_trailing_line_feed_is_malformed_not_reserved() =>
        BarcodeRules.Classify("TS-DNA-250101-00001\n").ShouldBe(BarcodeShape.Malformed);

    [Theory]
    [InlineData("dna", "DNA")]
    [InlineData("rna", "RNA")]
    [InlineData("blood", "BLD")]
    [InlineData("saliva", "SAL")]
    [InlineData("tissue", "TIS")]
    [InlineData("cells", "CEL")]
    [InlineData("plasma", "PLS")]
    [InlineData("other", "OTH")]
    public void A_generated_barcode_carries_the_type_code_the_UTC_date_and_five_digits(string type, string code)
    {
        var day = new DateTimeOffset(2025, 3, 14, 23, 30, 0, TimeSpan.FromHours(-2)); // 15 March in UTC

        var barcode = BarcodeRules.Generate(type, day, 17);

        barcode.ShouldBe($"TS-{code}-250315-00017");
        BarcodeRules.IsGenerated(barcode).ShouldBeTrue();
        BarcodeRules.Classify(barcode).ShouldBe(BarcodeShape.Reserved);
    }

    [Fact]
    public void Every_sample_type_has_its_own_code() =>
        SampleTypes.All.Select(SampleTypes.BarcodeCode).Distinct().Count().ShouldBe(SampleTypes.All.Count);

    [Theory]
    [InlineData("FREEZER-A", BarcodeShape.Acceptable)]
    [InlineData("TS-DNA-250101-00001", BarcodeShape.Acceptable)] // a sample shape is not reserved among locations
    [InlineData("LOC-00042", BarcodeShape.Reserved)]
    [InlineData("LOC-1", BarcodeShape.Acceptable)]                // too few digits to be generated
    [InlineData("LOC-00042\n", BarcodeShape.Malformed)]
    [InlineData("loc-00042", BarcodeShape.Malformed)]
    public void Location_barcodes_share_the_client_shape_and_reserve_LOC_numbers(string barcode, BarcodeShape expected) =>
        BarcodeRules.ClassifyLocation(barcode).ShouldBe(expected);

    [Fact]
    public void A_generated_location_barcode_is_reserved() =>
        BarcodeRules.ClassifyLocation(BarcodeRules.GenerateLocation(7)).ShouldBe(BarcodeShape.Reserved);
}
