using TracSeq.Sequencing.Libraries;
using TracSeq.Sequencing.Runs;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>The service's own rules: library molarity and barcodes, and the run lifecycle with the sample moves it drives.</summary>
public class LibraryAndRunRulesTests
{
    [Theory]
    [InlineData(2.31, 350, 10.0)]       // 2.31 × 10⁶ / (660 × 350) = 10 nM
    [InlineData(6.6, 500, 20.0)]
    [InlineData(1.0, 300, 5.0505)]      // rounded to 4 places
    [InlineData(0.0, 400, 0.0)]
    public void Molarity_is_concentration_times_a_million_over_660_times_the_fragment_size(double ngUl, int bp, double nM) =>
        LibraryRules.Molarity((decimal)ngUl, bp).ShouldBe((decimal)nM);

    [Theory]
    [InlineData(null, 350)]
    [InlineData(2.0, null)]
    [InlineData(2.0, 0)]
    public void Molarity_is_null_without_both_a_concentration_and_a_size(double? ngUl, int? bp) =>
        LibraryRules.Molarity((decimal?)ngUl, bp).ShouldBeNull();

    [Fact]
    public void A_library_barcode_carries_the_utc_date_and_a_five_digit_number() =>
        LibraryRules.Barcode(new DateTimeOffset(2025, 3, 14, 23, 30, 0, TimeSpan.FromHours(-2)), 42).ShouldBe("TS-LIB-250315-00042");

    [Theory]
    [InlineData("planned", "sequencing", true)]
    [InlineData("planned", "cancelled", true)]
    [InlineData("sequencing", "completed", true)]
    [InlineData("sequencing", "failed", true)]
    [InlineData("planned", "completed", false)]
    [InlineData("planned", "failed", false)]
    [InlineData("sequencing", "cancelled", false)]
    [InlineData("completed", "failed", false)]
    [InlineData("failed", "sequencing", false)]
    [InlineData("cancelled", "planned", false)]
    public void The_run_lifecycle(string from, string to, bool allowed) =>
        RunStatuses.AllowedMoves(from).Contains(to).ShouldBe(allowed);

    [Theory]
    [InlineData("sequencing", "in_sequencing")]
    [InlineData("completed", "completed")]
    [InlineData("failed", "failed")]
    [InlineData("cancelled", null)]
    public void A_run_move_takes_its_samples_to_the_matching_status(string to, string? sampleStatus) =>
        RunStatuses.SampleStatusFor(to).ShouldBe(sampleStatus);
}
