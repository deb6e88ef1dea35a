using System.Globalization;
using System.Text;
using CsvHelper;
using ExcelDataReader;

namespace TracSeq.Templates.Submissions;

/// <summary>A cell as the user typed it (<see cref="Text"/>), and what Excel knew about it (a number, date or boolean).</summary>
public readonly record struct SheetCell(string Text, object? Typed = null)
{
    public bool IsBlank => string.IsNullOrWhiteSpace(Text);
}

/// <summary>A data row with its number as the user sees it in the sheet (the header is row 1).</summary>
public sealed record SheetRow(int Number, IReadOnlyList<SheetCell> Cells)
{
    public SheetCell this[int column] => column < Cells.Count ? Cells[column] : new SheetCell("");
}

public sealed record Sheet(IReadOnlyList<string> Headers, IReadOnlyList<SheetRow> Rows);

/// <summary>A file that is not a sheet we can read, or is too big: answered as a 4xx before any row is checked.</summary>
public sealed class UnreadableSheetException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Reads an uploaded CSV or XLSX (or old XLS) into headers and rows the way lab files really come: UTF-8 with or
/// without a BOM (Windows-1252 when the bytes are not UTF-8, as older Excel saves "CSV"), comma, semicolon or tab
/// delimited (detected from the header line), quoted fields with delimiters and line breaks, empty rows skipped but
/// counted, so row numbers match what the user sees.
/// </summary>
public static class SheetReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Sheet Read(byte[] bytes, string fileName)
    {
        if (bytes.Length == 0)
        {
            throw new UnreadableSheetException(400, "The file is empty.");
        }
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var isZip = bytes.Length > 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        var isOle = bytes.Length > 8 && bytes[0] == 0xD0 && bytes[1] == 0xCF && bytes[2] == 0x11 && bytes[3] == 0xE0;
        return extension switch
        {
            ".xlsx" or ".xlsm" or ".xls" when isZip => ReadWorkbook(bytes, inspect: true),
            ".xlsx" or ".xlsm" or ".xls" when isOle => ReadWorkbook(bytes, inspect: false),
            ".xlsx" or ".xlsm" or ".xls" => throw new UnreadableSheetException(400,
                $"'{fileName}' is not an Excel workbook: save it again from Excel as .xlsx, or as CSV."),
            ".csv" or ".txt" or ".tsv" when isZip || isOle => throw new UnreadableSheetException(400,
                $"'{fileName}' is an Excel workbook, not CSV text: upload it with its .xlsx name, or save it as CSV."),
            ".csv" or ".txt" or ".tsv" => ReadCsv(bytes, fileName),
            _ => throw new UnreadableSheetException(415, $"'{fileName}' is neither CSV nor XLSX: upload a .csv or .xlsx file."),
        };
    }

    private static Sheet ReadCsv(byte[] bytes, string fileName)
    {
        if (Array.IndexOf(bytes, (byte)0, 0, Math.Min(bytes.Length, 64 * 1024)) >= 0)
        {
            throw new UnreadableSheetException(400,
                $"'{fileName}' is not a text file: it holds binary data. Save the sheet as CSV (UTF-8) or upload the .xlsx.");
        }
        var text = Decode(bytes);
        var options = new CsvReaderOptions
        {
            Separator = DetectDelimiter(text),
            HasHeader = false,
            SkipEmptyLines = false,          // a blank line is a row the user sees: it must count for the numbering
            AllowLineBreaksInQuotes = true,  // multi-line cells, as Excel writes them
            MalformedData = CsvMalformedDataHandling.Recover, // a stray quote is kept as text, as Excel itself does
            FieldCountMismatch = CsvFieldCountHandling.Allow,  // short rows are rows with empty trailing cells
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
        };
        using var reader = CsvReader.FromText(text, options);
        var records = new List<string[]>();
        while (reader.Read())
        {
            var record = new string[reader.FieldCount];
            for (var i = 0; i < record.Length; i++)
            {
                record[i] = reader.GetString(i);
            }
            records.Add(record);
            if (records.Count > SubmissionLimits.MaxRows + 1 + 1000)
            {
                break; // far past the cap even if the tail were empty: stop reading
            }
        }
        return Build(records.Select(r => r.Select(v => new SheetCell(v)).ToList()).ToList());
    }

    private static string Decode(byte[] bytes)
    {
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    /// <summary>The delimiter that occurs most in the header line outside quotes (European Excel writes ';').</summary>
    public static char DetectDelimiter(string text)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c is '\n' or '\r') break;
            else if (!quoted && c == ',') comma++;
            else if (!quoted && c == ';') semicolon++;
            else if (!quoted && c == '\t') tab++;
        }
        return tab > comma && tab > semicolon ? '\t' : semicolon > comma ? ';' : ',';
    }

    private static Sheet ReadWorkbook(byte[] bytes, bool inspect)
    {
        if (inspect)
        {
            WorkbookInspection.Check(bytes);
        }
        var records = new List<List<SheetCell>>();
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = ExcelReaderFactory.CreateReader(stream);
            if (reader.FieldCount > SubmissionLimits.MaxColumns * 10)
            {
                throw new UnreadableSheetException(400, $"The sheet has {reader.FieldCount} columns; a sheet may have at most {SubmissionLimits.MaxColumns}.");
            }
            while (reader.Read())
            {
                var cells = new List<SheetCell>(reader.FieldCount);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    cells.Add(ToCell(reader.GetValue(i)));
                }
                records.Add(cells);
                if (records.Count > SubmissionLimits.MaxRows + 1 + 1000)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is not UnreadableSheetException and not OutOfMemoryException)
        {
            // ExcelDataReader throws a variety of exceptions for damaged or encrypted workbooks.
            throw new UnreadableSheetException(400,
                "The workbook could not be read: it may be damaged or password-protected. Save it again from Excel, or as CSV.");
        }
        return Build(records);
    }

    private static SheetCell ToCell(object? value) => value switch
    {
        null => new SheetCell(""),
        string s => new SheetCell(s),
        double d => new SheetCell(d.ToString("R", CultureInfo.InvariantCulture), d),
        DateTime dt => new SheetCell(dt.TimeOfDay == TimeSpan.Zero
            ? dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), dt),
        bool b => new SheetCell(b ? "TRUE" : "FALSE", b),
        TimeSpan t => new SheetCell(t.ToString("c", CultureInfo.InvariantCulture)),
        _ => new SheetCell(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>Header = first row; trailing blank header cells (";;;" exports) dropped; blank rows skipped, numbers kept.</summary>
    private static Sheet Build(List<List<SheetCell>> records)
    {
        if (records.Count == 0 || records[0].All(c => c.IsBlank))
        {
            throw new UnreadableSheetException(400, "The sheet has no header row: row 1 must hold the column names.");
        }
        var headers = records[0].Select(c => c.Text.Trim()).ToList();
        while (headers.Count > 0 && headers[^1].Length == 0)
        {
            headers.RemoveAt(headers.Count - 1);
        }
        if (headers.Count > SubmissionLimits.MaxColumns)
        {
            throw new UnreadableSheetException(400, $"The sheet has {headers.Count} columns; a sheet may have at most {SubmissionLimits.MaxColumns}.");
        }
        var rows = new List<SheetRow>();
        for (var i = 1; i < records.Count; i++)
        {
            if (records[i].All(c => c.IsBlank))
            {
                continue;
            }
            if (rows.Count == SubmissionLimits.MaxRows)
            {
                throw new UnreadableSheetException(400,
                    $"The sheet has more than {SubmissionLimits.MaxRows} rows of samples; split it into several submissions.");
            }
            rows.Add(new SheetRow(i + 1, records[i]));
        }
        if (rows.Count == 0)
        {
            throw new UnreadableSheetException(400, "The sheet has a header row but no samples below it.");
        }
        return new Sheet(headers, rows);
    }
}
