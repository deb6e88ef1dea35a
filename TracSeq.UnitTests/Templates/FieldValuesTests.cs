using TracSeq.Templates.Submissions;
using TracSeq.Templates.Templates;

namespace TracSeq.UnitTests.Templates;

public class FieldValuesTests
{
    private static (object? Value, string? Problem) Parse(TemplateField field, string text, object? typed = null) =>
        FieldValues.Parse(field, new SheetCell(text, typed));

    private static TemplateField Of(string type, decimal? min = null, decimal? max = null, string[]? options = null, int? maxLength = null,
        string? pattern = null, string? unit = null) =>
        new() { Key = "c", Type = type, Min = min, Max = max, Options = options ?? [], MaxLength = maxLength, Pattern = pattern, Unit = unit };

    [Theory]
    [InlineData("12.5", 12.5)]
    [InlineData(" 1e3 ", 1000)]
    [InlineData("-0.25", -0.25)]
    public void Decimals_use_a_point(string text, double expected) => Parse(Of(FieldTypes.Decimal), text).Value.ShouldBe((decimal)expected);

    [Theory]
    [InlineData("12,5")]
    [InlineData("1,000")]
    [InlineData("12.5 ng")]
    public void A_decimal_comma_or_a_unit_is_refused_not_guessed(string text) =>
        Parse(Of(FieldTypes.Decimal), text).Problem.ShouldBe($"'{text}' is not a decimal number.");

    [Fact]
    public void Integers_are_whole_and_ranges_name_the_unit()
    {
        Parse(Of(FieldTypes.Integer), "7.0").Value.ShouldBe(7m);
        Parse(Of(FieldTypes.Integer), "7.5").Problem.ShouldBe("'7.5' is not a whole number.");
        Parse(Of(FieldTypes.Decimal, min: 0, max: 100, unit: "µL"), "101").Problem.ShouldBe("101 is above the maximum of 100 µL.");
        Parse(Of(FieldTypes.Decimal, min: 0, max: 100, unit: "µL"), "-1").Problem.ShouldBe("-1 is below the minimum of 0 µL.");
    }

    [Theory]
    [InlineData("2024-03-05", "2024-03-05T00:00:00+00:00")]
    [InlineData("2024-03-05 14:30", "2024-03-05T14:30:00+00:00")]
    [InlineData("2024-03-05T14:30:00+02:00", "2024-03-05T12:30:00+00:00")]
    [InlineData("45000", "2023-03-15T00:00:00+00:00")] // an Excel serial day number
    public void Dates_are_ISO_or_Excel_serials(string text, string expected) =>
        ((DateTimeOffset)Parse(Of(FieldTypes.Date), text).Value!).ToUniversalTime()
            .ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("05/03/2024")]
    [InlineData("March 5")]
    [InlineData("0")]
    public void Ambiguous_dates_are_refused(string text) =>
        Parse(Of(FieldTypes.Date), text).Problem.ShouldBe($"'{text}' is not a date; write it as YYYY-MM-DD (e.g. 2024-03-05).");

    [Fact]
    public void An_Excel_date_cell_is_taken_as_it_is() =>
        Parse(Of(FieldTypes.Date), "anything", new DateTime(2024, 3, 5, 8, 0, 0)).Value.ShouldBe(new DateTimeOffset(2024, 3, 5, 8, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("yes", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("n", false)]
    [InlineData("False", false)]
    public void Booleans(string text, bool expected) => Parse(Of(FieldTypes.Boolean), text).Value.ShouldBe(expected);

    [Fact]
    public void Choices_match_ignoring_case_and_answer_the_option_as_written()
    {
        var select = Of(FieldTypes.Select, options: ["Frozen", "Fresh"]);
        var multi = Of(FieldTypes.Multiselect, options: ["A", "B", "C"]);

        Parse(select, "frozen").Value.ShouldBe("Frozen");
        Parse(select, "dry").Problem.ShouldBe("'dry' is not one of the choices: Frozen, Fresh.");
        Parse(multi, "a; c ;A").Value.ShouldBe(new[] { "A", "C" });
        Parse(multi, "a; x; y").Problem.ShouldStartWith("'x; y' are not among the choices");
    }

    [Fact]
    public void Text_obeys_length_and_a_whole_match_of_the_pattern()
    {
        Parse(Of(FieldTypes.Text, maxLength: 3), "abcd").Problem.ShouldBe("This is 4 characters long; at most 3 are allowed.");
        Parse(Of(FieldTypes.Text, pattern: "D-[0-9]{4}"), "D-0042").Value.ShouldBe("D-0042");
        Parse(Of(FieldTypes.Text, pattern: "D-[0-9]{4}"), "XD-00421").Problem.ShouldNotBeNull();
        Parse(Of(FieldTypes.Text, pattern: "a|b"), "ab").Problem.ShouldNotBeNull(); // the whole cell, not a part of it
    }
}
