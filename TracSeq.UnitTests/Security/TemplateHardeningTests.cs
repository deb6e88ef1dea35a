using System.IO.Compression;
using System.Text;
using TracSeq.Templates.Submissions;
using TracSeq.Templates.Templates;

namespace TracSeq.UnitTests.Security;

/// <summary>The template and submission findings of the security review: patterns, zip bombs, error floods, formulas.</summary>
public class TemplateHardeningTests
{
    private static TemplateFieldRequest Column(string key, string type = "text", string? pattern = null, string? mapsTo = null,
        bool required = false, IReadOnlyList<string?>? options = null) =>
        new(key, null, type, required, options, null, null, null, pattern, null, mapsTo);

    private static TemplateRequest Request(params TemplateFieldRequest[] extra) => new("Plate", null, null,
        [Column("name", mapsTo: "name", required: true),
         Column("type", "select", mapsTo: "sampleType", required: true, options: ["dna", "rna"]), .. extra]);

    private static Template Saved(TemplateRequest request)
    {
        var template = new Template { Id = Guid.NewGuid(), Name = request.Name!, Status = TemplateStatus.Published };
        template.Fields.AddRange(request.Fields!.Select((f, i) => TemplateField.From(f!, template.Id, i)));
        return template;
    }

    [Theory]
    [InlineData(@"(a)\1")]        // a backreference: only a backtracking engine can run it
    [InlineData(@"(?=a)a")]       // lookaround, likewise
    [InlineData(@"(?>a+)b")]      // atomic group, likewise
    public void A_pattern_the_linear_engine_cannot_run_is_refused_when_the_template_is_saved(string pattern)
    {
        var errors = TemplateRules.Check(Request(Column("code", pattern: pattern)));
        errors.IsValid.ShouldBeFalse();
        errors.ToDictionary().ShouldContainKey("fields[2].pattern");
    }

    [Fact]
    public void A_catastrophic_backtracking_pattern_still_gives_a_plain_no_match_for_every_row()
    {
        var template = Saved(Request(Column("code", pattern: "(a+)+b")));
        TemplateRules.Check(Request(Column("code", pattern: "(a+)+b"))).IsValid.ShouldBeTrue();
        var evil = new string('a', 40) + "!";
        var rows = Enumerable.Range(0, 200).Select(i => new SheetRow(i + 2, [new("s" + i), new("dna"), new(evil)])).ToList();
        var checkedSheet = SheetValidator.Validate(template, new Sheet(["name", "type", "code"], rows), DateTimeOffset.UtcNow, CancellationToken.None);
        checkedSheet.Errors.Count.ShouldBe(200);
        checkedSheet.Errors.ShouldAllBe(e => e.Message.Contains("does not have the expected form"));
    }

    [Fact]
    public void Checking_a_sheet_stops_when_the_request_is_abandoned()
    {
        var template = Saved(Request());
        var rows = Enumerable.Range(0, 50).Select(i => new SheetRow(i + 2, [new("s" + i), new("dna")])).ToList();
        using var gone = new CancellationTokenSource();
        gone.Cancel();
        Should.Throw<OperationCanceledException>(() =>
            SheetValidator.Validate(template, new Sheet(["name", "type"], rows), DateTimeOffset.UtcNow, gone.Token));
    }

    [Fact]
    public void Errors_stop_being_collected_at_the_report_cap_and_the_rest_are_counted()
    {
        var options = Enumerable.Range(0, 400).Select(i => (string?)$"option-number-{i:D4}").ToList();
        var template = Saved(Request(Column("choice", "select", options: options), Column("n", "integer")));
        var longValue = new string('x', 5000);
        var rows = Enumerable.Range(0, 10_000).Select(i => new SheetRow(i + 2, [new("s" + i), new("dna"), new(longValue), new("z")])).ToList();
        var result = SheetValidator.Validate(template, new Sheet(["name", "type", "choice", "n"], rows), DateTimeOffset.UtcNow, CancellationToken.None);

        result.Errors.Count.ShouldBe(SubmissionLimits.MaxReportedErrors);
        result.ErrorsOmitted.ShouldBe(20_000 - SubmissionLimits.MaxReportedErrors);
        result.Rejected.ShouldBe(10_000);
        result.Errors.ShouldAllBe(e => e.Message.Length <= SubmissionLimits.MaxMessageLength);
        result.Errors.ShouldAllBe(e => e.Value == null || e.Value.Length <= SubmissionLimits.MaxValueLength);
        result.Errors.First(e => e.Column == "choice").Message.ShouldNotContain("option-number-0399");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("+1")]
    [InlineData("-1")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcode")]
    [InlineData("\rcode")]
    public void A_column_key_a_spreadsheet_would_run_as_a_formula_is_refused(string key)
    {
        var errors = TemplateRules.Check(Request(Column(key)));
        errors.ToDictionary().ShouldContainKey("fields[2].key");
    }

    [Fact]
    public void The_blank_csv_never_starts_a_cell_with_a_formula_character()
    {
        var template = Saved(Request());
        template.Fields.Add(new TemplateField { Key = "=1+1", Type = "text", Position = 2 });
        var csv = Encoding.UTF8.GetString(BlankSheet.Csv(template)).TrimStart('\uFEFF');
        csv.ShouldNotContain(",=1+1");
        csv.ShouldContain("'=1+1");

        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(BlankSheet.Xlsx(template)));
        var header = workbook.Worksheet("Samples").Cell(1, 3);
        header.HasFormula.ShouldBeFalse();
        header.GetString().ShouldBe("'=1+1");
    }

    [Fact]
    public void An_xlsx_that_inflates_far_beyond_its_size_is_refused_before_it_is_parsed()
    {
        var bomb = XlsxWithSharedStrings(new string('A', 60 * 1024 * 1024));
        bomb.Length.ShouldBeLessThan(1024 * 1024);
        var refused = Should.Throw<UnreadableSheetException>(() => SheetReader.Read(bomb, "bomb.xlsx"));
        refused.StatusCode.ShouldBe(400);
        refused.Message.ShouldContain("expand");
    }

    [Fact]
    public void An_xlsx_with_thousands_of_entries_is_refused_before_it_is_parsed()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 20_000; i++)
            {
                zip.CreateEntry($"xl/junk/{i}.xml", CompressionLevel.NoCompression);
            }
        }
        var refused = Should.Throw<UnreadableSheetException>(() => SheetReader.Read(buffer.ToArray(), "many.xlsx"));
        refused.Message.ShouldContain("entries");
    }

    /// <summary>A real workbook whose shared-strings part is replaced by one huge, very compressible string.</summary>
    private static byte[] XlsxWithSharedStrings(string text)
    {
        var template = Saved(Request());
        var workbook = BlankSheet.Xlsx(template);
        using var buffer = new MemoryStream();
        buffer.Write(workbook);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("xl/sharedStrings.xml")?.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.SmallestSize).Open());
            writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" +
                "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>");
            writer.Write(text);
            writer.Write("</t></si></sst>");
        }
        return buffer.ToArray();
    }
}
