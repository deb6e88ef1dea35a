using System.Globalization;
using System.Text;
using CsvHelper;
using TracSeq.Templates.Submissions;

namespace TracSeq.Web.Api;

/// <summary>
/// The project picker of <i>Submit a sheet</i>: Templates takes a row's project from the template's column that maps
/// to <c>projectCode</c>, so the picked project goes into that column's empty cells (the column is added when the sheet
/// lacks it). Rows that name a project keep theirs; Templates and Samples check each row's project as always. The
/// filled sheet is sent as CSV (UTF-8), with row numbers as in the original, so errors point at the rows the user sees.
/// Work is linear in the sheet, which <see cref="SubmissionLimits"/> bounds.
/// </summary>
public static class SheetProjectFill
{
    public sealed record Filled(byte[] Bytes, string FileName, int Cells);

    /// <summary>The sheet with <paramref name="projectCode"/> in its empty project cells; null when there are none to
    /// fill or the file cannot be read (then it goes as it is, and Templates says what is wrong with it).</summary>
    public static Filled? Fill(byte[] bytes, string fileName, string columnKey, string projectCode)
    {
        Sheet sheet;
        try
        {
            sheet = SheetReader.Read(bytes, fileName);
        }
        catch (UnreadableSheetException)
        {
            return null;
        }
        var width = Math.Max(sheet.Headers.Count, sheet.Rows.Count == 0 ? 0 : sheet.Rows.Max(r => r.Cells.Count));
        var column = IndexOf(sheet.Headers, columnKey);
        var headers = sheet.Headers.Concat(Enumerable.Repeat("", width - sheet.Headers.Count)).ToList();
        if (column < 0)
        {
            column = width; // after every cell, so no value of a column without a header is taken over
            headers.Add(columnKey);
        }
        var blanks = sheet.Rows.Count(r => r[column].IsBlank);
        if (blanks == 0)
        {
            return null;
        }
        return new Filled(Write(sheet, headers, column, projectCode), Path.GetFileNameWithoutExtension(fileName) + ".csv", blanks);
    }

    private static byte[] Write(Sheet sheet, List<string> headers, int column, string projectCode)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\r\n" }))
        {
            csv.WriteRecord([.. headers]);
            var line = 2;
            foreach (var row in sheet.Rows)
            {
                // Blank rows were skipped but counted: keep them as empty lines so row numbers stay the user's.
                for (; line < row.Number; line++)
                {
                    csv.WriteRecord([.. headers.Select(_ => "")]);
                }
                csv.WriteRecord([.. headers.Select((_, i) => i == column && row[i].IsBlank ? projectCode : TextOf(row[i]))]);
                line++;
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A cell as CSV text that Templates reads to the same value: workbook numbers in plain decimal notation.</summary>
    public static string TextOf(SheetCell cell) =>
        cell.Typed is double d && Math.Abs(d) < 7.9e27 ? ((decimal)d).ToString(CultureInfo.InvariantCulture) : cell.Text;

    /// <summary>The column whose header is the key, matched as Templates matches headers (ignoring case, white space
    /// and underscores).</summary>
    public static int IndexOf(IReadOnlyList<string> headers, string key)
    {
        var wanted = Canonical(key);
        for (var i = 0; i < headers.Count; i++)
        {
            if (Canonical(headers[i]) == wanted)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Canonical(string header) =>
        string.Concat(header.Where(c => !char.IsWhiteSpace(c) && c is not '_' and not '\uFEFF')).ToLowerInvariant();
}
