using System.Net;
using System.Text;

namespace TracSeq.ServiceTests.Templates;

/// <summary>Files as labs really make them, and files that are not sheets at all: each gets a clear answer.</summary>
[Collection(TemplatesServiceCollection.Name)]
public sealed class SubmissionFileTests(TemplatesService fixture)
{
    private readonly TemplateLab _lab = new(fixture);

    [Fact]
    public async Task A_european_excel_csv_with_bom_semicolons_multi_line_cells_loose_headers_and_trailing_empty_rows_commits()
    {
        var template = await _lab.CreateTemplateAsync();
        string[] headers = ["  sample name ", "SAMPLE_TYPE", "barcode", "Volume uL", "concentration_NG_ul", "Collected", "Project", "replicate", "Passed QC",
            "Notes", "Donor"];
        var rows = Enumerable.Range(1, 4).Select(i => TemplateLab.GoodRow(i, TemplateLab.Unique("EU"))).ToList();
        rows[1][9] = "line one; with a semicolon\nline two, with a comma";
        var csv = Encoding.UTF8.GetString(TemplateLab.Csv(rows, separator: ';', bom: true, headers: headers)) + ";;;;;;;;;;\r\n\r\n;;\r\n";

        using var response = await _lab.SubmitAsync(Encoding.UTF8.GetBytes(csv), "plate-de.csv", template.Id);

        var report = await TemplateLab.ReportAsync(response, HttpStatusCode.Created);
        (report.Rows, report.Accepted, report.Errors.Count).ShouldBe((4, 4, 0));
        var second = fixture.Samples.SamplesOf(report.SubmissionId)[1]; // as sent to Samples
        second.Notes.ShouldBe("line one; with a semicolon\nline two, with a comma");
        (second.Name, second.Volume).ShouldBe(("Plate1-02", 25.5m));
        second.Metadata.GetProperty("Donor").GetString().ShouldBe("D-0002");
    }

    [Fact]
    public async Task A_missing_required_column_is_reported_once_against_the_header_row_and_unknown_columns_go_to_metadata()
    {
        var template = await _lab.CreateTemplateAsync();
        string[] headers = ["Sample_Name", "Volume_uL", "Freezer shelf"];

        using var response = await _lab.SubmitAsync(TemplateLab.Csv([["A-1", "1", "top"], ["A-2", "2", "bottom"]], headers: headers), "partial.csv",
            template.Id);

        var report = await TemplateLab.ReportAsync(response, HttpStatusCode.UnprocessableEntity);
        report.Errors.ShouldBe([new(1, "Sample_Type", null, "The required column 'Sample_Type' is missing.")]);
        (report.Rows, report.Accepted, report.Rejected).ShouldBe((2, 0, 2));
    }

    [Fact]
    public async Task Files_that_are_not_sheets_or_too_big_get_clear_4xx_answers()
    {
        var template = await _lab.CreateTemplateAsync();
        var draft = await _lab.CreateTemplateAsync(publish: false);
        var binary = new byte[4096];
        new Random(7).NextBytes(binary);
        binary[10] = 0;
        var wideHeaders = Enumerable.Range(1, 200).Select(i => $"Column {i}").ToArray();
        var tooManyRows = Enumerable.Range(1, 10_001).Select(i => TemplateLab.GoodRow(i, "ROWCAP")).ToList();
        var good = TemplateLab.Csv([TemplateLab.GoodRow(1, TemplateLab.Unique("OK"))]);

        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["empty"] = await _lab.SubmitAsync([], "empty.csv", template.Id),
            ["binary"] = await _lab.SubmitAsync(binary, "plate.csv", template.Id),
            ["xlsx named csv"] = await _lab.SubmitAsync(TemplateLab.Xlsx([["A", "dna"]]), "plate.csv", template.Id),
            ["csv named xlsx"] = await _lab.SubmitAsync(good, "plate.xlsx", template.Id),
            ["pdf"] = await _lab.SubmitAsync(good, "plate.pdf", template.Id),
            ["header only"] = await _lab.SubmitAsync(TemplateLab.Csv([]), "plate.csv", template.Id),
            ["200 columns"] = await _lab.SubmitAsync(TemplateLab.Csv([wideHeaders], headers: wideHeaders), "wide.csv", template.Id),
            ["10001 rows"] = await _lab.SubmitAsync(TemplateLab.Csv(tooManyRows), "long.csv", template.Id),
            ["50 MB"] = await _lab.SubmitAsync(new byte[50_000_000], "huge.csv", template.Id),
            ["draft template"] = await _lab.SubmitAsync(good, "plate.csv", draft.Id),
            ["unknown template"] = await _lab.SubmitAsync(good, "plate.csv", Guid.NewGuid()),
        };

        var expected = new Dictionary<string, (HttpStatusCode Status, string Title)>
        {
            ["empty"] = (HttpStatusCode.BadRequest, "The file is empty."),
            ["binary"] = (HttpStatusCode.BadRequest,
                "'plate.csv' is not a text file: it holds binary data. Save the sheet as CSV (UTF-8) or upload the .xlsx."),
            ["xlsx named csv"] = (HttpStatusCode.BadRequest,
                "'plate.csv' is an Excel workbook, not CSV text: upload it with its .xlsx name, or save it as CSV."),
            ["csv named xlsx"] = (HttpStatusCode.BadRequest, "'plate.xlsx' is not an Excel workbook: save it again from Excel as .xlsx, or as CSV."),
            ["pdf"] = (HttpStatusCode.UnsupportedMediaType, "'plate.pdf' is neither CSV nor XLSX: upload a .csv or .xlsx file."),
            ["header only"] = (HttpStatusCode.BadRequest, "The sheet has a header row but no samples below it."),
            ["200 columns"] = (HttpStatusCode.BadRequest, "The sheet has 200 columns; a sheet may have at most 100."),
            ["10001 rows"] = (HttpStatusCode.BadRequest, "The sheet has more than 10000 rows of samples; split it into several submissions."),
            ["50 MB"] = (HttpStatusCode.RequestEntityTooLarge, "The file is larger than 10 MB."),
            ["draft template"] = (HttpStatusCode.Conflict, "This template version is draft."),
            ["unknown template"] = (HttpStatusCode.NotFound, "No such template."),
        };
        foreach (var (name, response) in answers)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                ((response.StatusCode, name)).ShouldBe((expected[name].Status, name), body);
                (await TemplateLab.ProblemAsync(response)).GetProperty("title").GetString().ShouldBe(expected[name].Title, name);
            }
        }
    }

    [Fact]
    public async Task A_form_without_file_or_template_is_a_400_by_field()
    {
        using var client = await _lab.AsAsync("research_scientist");
        using var form = new MultipartFormDataContent { { new StringContent("not-a-guid"), "templateId" }, { new StringContent("perhaps"), "dryRun" } };

        using var response = await client.PostAsync("/api/submissions", form);
        using var json = await client.PostAsync("/api/submissions", new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await TemplateLab.ErrorFieldsAsync(response)).ShouldBe(["file", "templateId", "dryRun"], ignoreOrder: true);
        json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }
}
