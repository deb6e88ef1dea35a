using TracSeq.Templates.Submissions;
using TracSeq.Templates.Templates;

namespace TracSeq.UnitTests.Templates;

/// <summary>Checking rows against a template and the sample rules: every error at its row and column, none guessed away.</summary>
public class SheetValidatorTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static Template Plate()
    {
        var template = new Template { Id = Guid.NewGuid(), Name = "Plate", Status = TemplateStatus.Published, Version = 1 };
        template.Fields.AddRange(
        [
            Field("Sample_Name", FieldTypes.Text, required: true, mapsTo: "name"),
            Field("Type", FieldTypes.Select, required: true, mapsTo: "sampleType", options: ["DNA", "RNA"]),
            Field("Barcode", FieldTypes.Text, mapsTo: "barcode"),
            Field("Conc", FieldTypes.Decimal, mapsTo: "concentration"),
            Field("Project", FieldTypes.Text, mapsTo: "projectCode"),
            Field("Collected", FieldTypes.Date, mapsTo: "collectedAt"),
            Field("Donor", FieldTypes.Text, pattern: "D-[0-9]{4}"),
        ]);
        return template;
    }

    private static TemplateField Field(
        string key, string type, bool required = false, string? mapsTo = null, string[]? options = null, string? pattern = null) =>
        new() { Key = key, Type = type, Required = required, MapsTo = mapsTo, Options = options ?? [], Pattern = pattern };

    private static Sheet Sheet(string[] headers, params string[][] rows) =>
        new(headers, [.. rows.Select((r, i) => new SheetRow(i + 2, [.. r.Select(c => new SheetCell(c))]))]);

    private static readonly string[] Headers = ["sample name", "TYPE", "Barcode", "Conc", "Project", "Collected", "Donor", "Freezer"];

    [Fact]
    public void A_clean_sheet_becomes_samples_in_sheet_order_with_loose_headers_and_extra_columns_as_metadata()
    {
        var result = SheetValidator.Validate(Plate(), Sheet(Headers,
            ["Liver", "dna", "LAB-0001", "12.5", "ONC-7", "2024-03-05", "D-0042", "F1"],
            ["Kidney", "RNA", "", "", "", "45000", "", ""]), Now, CancellationToken.None);

        result.Errors.ShouldBeEmpty();
        result.IsValid.ShouldBeTrue();
        var (liver, kidney) = (result.Samples[0], result.Samples[1]);
        (liver.Name, liver.SampleType, liver.Barcode, liver.Concentration, liver.ProjectCode).ShouldBe(("Liver", "dna", "LAB-0001", 12.5m, "ONC-7"));
        liver.CollectedAt.ShouldBe(new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero));
        liver.Metadata.ShouldBe(new Dictionary<string, object?> { ["Donor"] = "D-0042", ["Freezer"] = "F1" });
        (kidney.SampleType, kidney.Barcode).ShouldBe(("rna", null));
        kidney.CollectedAt.ShouldBe(new DateTimeOffset(2023, 3, 15, 0, 0, 0, TimeSpan.Zero)); // Excel serial 45000
        result.RowNumbers.ShouldBe([2, 3]);
    }

    [Fact]
    public void Every_mistake_is_reported_at_its_row_and_column_as_written_in_the_sheet()
    {
        var result = SheetValidator.Validate(Plate(), Sheet(Headers,
            ["", "dna", "abc", "12,5", "ONC 7", "2030-01-01", "D42", ""],
            ["Kidney", "serum", "TS-DNA-250101-00001", "-1", "", "not a date", "", ""]), Now, CancellationToken.None);

        result.Errors.Select(e => (e.Row, e.Column, e.Value)).ShouldBe(
        [
            (2, "sample name", null), (2, "Barcode", "abc"), (2, "Conc", "12,5"), (2, "Project", "ONC 7"), (2, "Collected", "2030-01-01"),
            (2, "Donor", "D42"), (3, "TYPE", "serum"), (3, "Barcode", "TS-DNA-250101-00001"), (3, "Conc", "-1"), (3, "Collected", "not a date"),
        ], ignoreOrder: true);
        result.Errors.Single(e => e.Column == "Conc" && e.Row == 2).Message.ShouldBe("'12,5' is not a decimal number.");
        result.Errors.Single(e => e.Column == "Barcode" && e.Row == 3).Message.ShouldContain("shape of a barcode TracSeq generates");
        (result.Rows, result.Rejected, result.Accepted).ShouldBe((2, 2, 0));
    }

    [Fact]
    public void A_barcode_used_twice_is_an_error_on_each_of_its_rows()
    {
        var result = SheetValidator.Validate(Plate(), Sheet(["Sample_Name", "Type", "Barcode"],
            ["A", "dna", "LAB-1"], ["B", "dna", "LAB-2"], ["C", "dna", "LAB-1"]), Now, CancellationToken.None);

        result.Errors.Select(e => (e.Row, e.Message)).ShouldBe(
        [
            (2, "The barcode 'LAB-1' is used more than once in this sheet (also in row 4)."),
            (4, "The barcode 'LAB-1' is used more than once in this sheet (also in row 2)."),
        ]);
    }

    [Fact]
    public void A_missing_required_column_is_one_error_on_the_header_row_and_rejects_every_row()
    {
        var result = SheetValidator.Validate(Plate(), Sheet(["Sample_Name", "Barcode"], ["A", "LAB-1"], ["B", "LAB-2"]), Now, CancellationToken.None);

        var error = result.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column, error.Message).ShouldBe((1, "Type", "The required column 'Type' is missing."));
        result.Rejected.ShouldBe(2);
    }

    [Fact]
    public void A_column_twice_and_values_under_no_header_are_header_errors()
    {
        var result = SheetValidator.Validate(Plate(), Sheet(["Sample_Name", "Type", "sample name", ""], ["A", "dna", "A", "x"]), Now, CancellationToken.None);

        result.Errors.Select(e => (e.Row, e.Column)).ShouldBe([(1, "sample name"), (1, "D")], ignoreOrder: true);
    }

    [Theory]
    [InlineData(0, "A")]
    [InlineData(25, "Z")]
    [InlineData(26, "AA")]
    [InlineData(701, "ZZ")]
    [InlineData(702, "AAA")]
    public void Column_letters_are_Excel_s(int index, string letters) => SheetValidator.ColumnLetter(index).ShouldBe(letters);

    [Theory]
    [InlineData("name", "a", null)]
    [InlineData("sampleType", "DNA", null)]
    [InlineData("barcode", "ABCD-1\n", "is not a valid barcode")]
    [InlineData("projectCode", "ONC-7\n", "is not a valid project code")]
    public void The_sample_rules_are_the_shared_ones(string property, string value, string? problem)
    {
        var (_, found) = SheetValidator.CheckForSamples(property, value, value, Now);

        if (problem is null)
        {
            found.ShouldBeNull();
        }
        else
        {
            found.ShouldNotBeNull().ShouldContain(problem);
        }
    }
}
