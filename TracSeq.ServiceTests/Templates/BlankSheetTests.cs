using System.Net;
using System.Text;
using ClosedXML.Excel;

namespace TracSeq.ServiceTests.Templates;

/// <summary>The empty sheet a researcher downloads, opened with a real spreadsheet library.</summary>
[Collection(TemplatesServiceCollection.Name)]
public sealed class BlankSheetTests(TemplatesService fixture)
{
    private readonly TemplateLab _lab = new(fixture);

    [Fact]
    public async Task The_csv_sheet_is_utf8_with_a_bom_and_the_column_headers()
    {
        var template = await _lab.CreateTemplateAsync();
        using var client = await _lab.AsAsync("guest");

        using var response = await client.GetAsync($"/api/templates/{template.Id}/spreadsheet?format=csv");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileNameStar.ShouldEndWith("-v1.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).ShouldBe(string.Join(",", TemplateLab.Headers.Take(10)) + "\r\n");
    }

    [Fact]
    public async Task The_xlsx_sheet_has_the_headers_and_a_drop_down_list_for_each_select_column()
    {
        var template = await _lab.CreateTemplateAsync();
        using var client = await _lab.AsAsync("guest");

        using var response = await client.GetAsync($"/api/templates/{template.Id}/spreadsheet?format=xlsx");
        using var bad = await client.GetAsync($"/api/templates/{template.Id}/spreadsheet?format=pdf");
        using var missing = await client.GetAsync($"/api/templates/{Guid.NewGuid()}/spreadsheet");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet("Samples");
        Enumerable.Range(1, 10).Select(c => sheet.Cell(1, c).GetString()).ShouldBe(TemplateLab.Headers.Take(10));
        var validation = sheet.DataValidations.ShouldHaveSingleItem(); // Sample_Type is the one select column
        validation.AllowedValues.ShouldBe(XLAllowedValues.List);
        validation.Ranges.Single().RangeAddress.ToString().ShouldBe("B2:B10001");
        var listRange = workbook.Range(validation.Value.TrimStart('='));
        listRange.Cells().Select(c => c.GetString()).ShouldBe(["dna", "rna", "blood"]);
        workbook.Worksheet("Lists").Visibility.ShouldBe(XLWorksheetVisibility.Hidden);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
