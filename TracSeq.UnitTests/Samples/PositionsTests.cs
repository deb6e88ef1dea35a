using TracSeq.Samples.Storage;

namespace TracSeq.UnitTests.Samples;

public class PositionsTests
{
    [Theory]
    [InlineData("B7", "B7")]
    [InlineData("b7", "B7")]
    [InlineData("B07", "B7")]
    [InlineData(" h12 ", "H12")]
    [InlineData("A1", "A1")]
    public void A_position_is_written_canonically(string given, string canonical)
    {
        var (position, problem) = Positions.Parse(given, 8, 12);

        problem.ShouldBeNull();
        position.ShouldBe(canonical);
    }

    [Theory]
    [InlineData("I1")]   // row 9 of 8
    [InlineData("A13")]  // column 13 of 12
    public void A_position_outside_the_box_names_the_box_size(string given)
    {
        var (position, problem) = Positions.Parse(given, 8, 12);

        position.ShouldBeNull();
        problem.ShouldBe($"position {given} is outside this 8 × 12 box (A1 to H12).");
    }

    [Theory]
    [InlineData("")]
    [InlineData("7B")]
    [InlineData("B0")]
    [InlineData("B100")]
    [InlineData("BB7")]
    [InlineData("B7x")]
    [InlineData("B 7")]
    public void Anything_but_a_row_letter_and_a_column_number_is_refused(string given) =>
        Positions.Parse(given, 26, 99).Problem.ShouldBe("position must be a row letter and a column number, such as B7.");

    [Fact]
    public void A_position_fits_a_resized_box_only_when_inside_it()
    {
        Positions.Fits("H12", 8, 12).ShouldBeTrue();
        Positions.Fits("H12", 7, 12).ShouldBeFalse();
        Positions.Fits("H12", 8, 11).ShouldBeFalse();
    }

    [Theory]
    [InlineData(1, 1, "A1")]
    [InlineData(8, 12, "H12")]
    [InlineData(26, 99, "Z99")]
    public void Names_run_from_A1(int row, int column, string name) => Positions.Name(row, column).ShouldBe(name);
}
