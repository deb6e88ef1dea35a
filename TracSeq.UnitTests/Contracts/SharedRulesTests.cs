using TracSeq.Contracts;

namespace TracSeq.UnitTests.Contracts;

public class SharedRulesTests
{
    [Theory]
    [InlineData("ONC-7", true)]
    [InlineData("a", true)]
    [InlineData("proj_2025.v2", true)]
    [InlineData("", false)]
    [InlineData("-ONC", false)]
    [InlineData(".ONC", false)]
    [InlineData("ONC 7", false)]
    [InlineData("ONC-7\n", false)]
    [InlineData("ONC/7", false)]
    public void Project_codes(string code, bool valid) => ProjectCodes.IsValid(code).ShouldBe(valid);

    [Fact]
    public void A_project_code_is_at_most_fifty_characters()
    {
        ProjectCodes.IsValid(new string('P', ProjectCodes.MaxLength)).ShouldBeTrue();
        ProjectCodes.IsValid(new string('P', ProjectCodes.MaxLength + 1)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("dna", true)]
    [InlineData("plasma", true)]
    [InlineData("DNA", false)] // wire values are exact
    [InlineData(" dna", false)]
    [InlineData("serum", false)]
    [InlineData(null, false)]
    public void Sample_types_are_the_eight_wire_values(string? type, bool known) => SampleTypes.IsKnown(type).ShouldBe(known);

    [Theory]
    [InlineData("plate-7-upload-1", true)]
    [InlineData("~!@#$%^&*()_+{}|:<>?", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("tab\there", false)]
    [InlineData("line\n", false)]
    [InlineData("ümlaut", false)]
    public void Idempotency_keys_are_printable_ASCII_without_spaces(string key, bool valid) => IdempotencyKeys.IsValid(key).ShouldBe(valid);

    [Fact]
    public void An_idempotency_key_is_at_most_two_hundred_characters()
    {
        IdempotencyKeys.IsValid(new string('k', IdempotencyKeys.MaxLength)).ShouldBeTrue();
        IdempotencyKeys.IsValid(new string('k', IdempotencyKeys.MaxLength + 1)).ShouldBeFalse();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1_000_000, true)]
    [InlineData(-0.001, false)]
    [InlineData(1_000_000.001, false)]
    public void Amounts_lie_between_zero_and_their_maximum(decimal value, bool inRange) =>
        SampleLimits.IsInRange(value, SampleLimits.MaxVolume).ShouldBe(inRange);

    [Fact]
    public void A_collection_time_may_be_a_few_minutes_ahead_of_the_clock_but_not_more_nor_before_1900()
    {
        var now = new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

        SampleLimits.IsCollectedAtInFuture(now + SampleLimits.CollectedAtSkew, now).ShouldBeFalse();
        SampleLimits.IsCollectedAtInFuture(now + SampleLimits.CollectedAtSkew + TimeSpan.FromSeconds(1), now).ShouldBeTrue();
        SampleLimits.IsCollectedAtTooEarly(new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero)).ShouldBeFalse();
        SampleLimits.IsCollectedAtTooEarly(new DateTimeOffset(1899, 12, 31, 23, 59, 0, TimeSpan.Zero)).ShouldBeTrue();
    }
}
