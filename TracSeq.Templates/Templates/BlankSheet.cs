using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using System.Globalization;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.Templates.Submissions;

namespace TracSeq.Templates.Templates;

/// <summary>
/// <c>GET /api/templates/{id}/spreadsheet?format=csv|xlsx</c>: the empty sheet a researcher fills in. Headers are the
/// column keys; the XLSX adds drop-down lists for select columns (options on a hidden "Lists" sheet, so long lists
/// are not cut at Excel's 255-character inline limit), date formatting, and a note per header with label, type and unit.
/// </summary>
public static class BlankSheet
{
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Download the blank sheet of a template</summary>
    /// <remarks>
    /// Any signed-in user. <c>format=xlsx</c> (default): headers with a note each (label, type, unit), drop-down lists
    /// for select columns and date formatting. <c>format=csv</c>: UTF-8 with a byte-order mark, headers only.
    /// </remarks>
    /// <response code="200">The sheet as a file download.</response>
    /// <response code="400">format is neither csv nor xlsx.</response>
    /// <response code="404">No template has this id.</response>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> DownloadAsync(
        Guid id, string? format, NpgsqlDataSource db, CancellationToken ct)
    {
        format = (format ?? "xlsx").ToLowerInvariant();
        if (format is not ("csv" or "xlsx"))
        {
            return new ValidationErrors().Add("format", "format must be csv or xlsx.").ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await TemplateStore.LoadAsync(connection, id) is not { } template)
        {
            return TemplatesApi.NotFound();
        }
        var fileName = $"{Slug(template.Name)}-v{template.Version}.{format}";
        return format == "csv"
            ? TypedResults.File(Csv(template), $"{CsvType}; charset=utf-8", fileName)
            : TypedResults.File(Xlsx(template), XlsxType, fileName);
    }

    /// <summary>UTF-8 with a BOM, so Excel reads µ and accents right when it opens the file.</summary>
    public static byte[] Csv(Template template)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\r\n" }))
        {
            csv.WriteRecord([.. template.Fields.Select(f => Inert(f.Key))]);
        }
        return buffer.ToArray();
    }

    public static byte[] Xlsx(Template template)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("Samples");
        var lists = workbook.Worksheets.Add("Lists");
        var listColumn = 0;
        foreach (var field in template.Fields)
        {
            var body = WriteColumn(sheet, field);
            if (field.Type == FieldTypes.Select)
            {
                AddChoiceList(lists, ++listColumn, field, body);
            }
        }
        lists.Visibility = XLWorksheetVisibility.Hidden;
        sheet.SheetView.FreezeRows(1);
        sheet.Columns(1, Math.Max(template.Fields.Count, 1)).Width = 20;
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    /// <summary>The field's header (bold, described in a comment) and its body's number format; returns the body.</summary>
    private static IXLRange WriteColumn(IXLWorksheet sheet, TemplateField field)
    {
        var column = field.Position + 1;
        var header = sheet.Cell(1, column);
        header.SetValue(Inert(field.Key)); // a string value, never a formula
        header.Style.Font.Bold = true;
        header.Comment.AddText(Describe(field));
        var body = sheet.Range(2, column, SubmissionLimits.MaxRows + 1, column);
        if (field.Type == FieldTypes.Date)
        {
            body.Style.NumberFormat.Format = "yyyy-mm-dd";
        }
        else if (field.Type is FieldTypes.Text or FieldTypes.Select or FieldTypes.Multiselect)
        {
            body.Style.NumberFormat.Format = "@"; // text: Excel must not turn 00123 or 1-2 into numbers or dates
        }
        return body;
    }

    /// <summary>A select column's options, listed on the hidden sheet, become the body's drop-down.</summary>
    private static void AddChoiceList(IXLWorksheet lists, int listColumn, TemplateField field, IXLRange body)
    {
        lists.Cell(1, listColumn).SetValue(Inert(field.Key));
        for (var i = 0; i < field.Options.Length; i++)
        {
            lists.Cell(i + 2, listColumn).SetValue(field.Options[i]);
        }
        var validation = body.SetDataValidation();
        validation.List(lists.Range(2, listColumn, field.Options.Length + 1, listColumn), true);
        validation.IgnoreBlanks = true;
        validation.ErrorTitle = field.Key;
        validation.ErrorMessage = $"Choose one of the listed values for {field.Key}.";
    }

    /// <summary>Keys that look like formulas are refused when a template is saved; one stored before that rule is
    /// still written inert, with a leading apostrophe (OWASP's advice for CSV injection).</summary>
    private static string Inert(string text) => TemplateRules.StartsLikeFormula(text) ? "'" + text : text;

    private static string Describe(TemplateField f)
    {
        var parts = new List<string> { f.Label ?? f.Key, f.Required ? $"{f.Type}, required" : f.Type };
        if (f.Unit is not null) parts.Add($"unit: {f.Unit}");
        if (f.Min is not null || f.Max is not null)
            parts.Add($"range: {f.Min?.ToString(CultureInfo.InvariantCulture) ?? "…"} to {f.Max?.ToString(CultureInfo.InvariantCulture) ?? "…"}");
        if (f.Type == FieldTypes.Date) parts.Add("format: YYYY-MM-DD");
        if (f.Type == FieldTypes.Multiselect) parts.Add($"one or more of {string.Join(", ", f.Options)}, separated by ';'");
        return string.Join("\n", parts);
    }

    private static string Slug(string name)
    {
        var slug = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]).Trim('-');
        return slug.Length == 0 ? "template" : slug[..Math.Min(slug.Length, 60)];
    }
}
