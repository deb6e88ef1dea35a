using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.Contracts;
using TracSeq.Templates.Templates;

namespace TracSeq.Templates.Submissions;

/// <summary>One problem in a sheet: the row and column as the user sees them (header = row 1), the value, and why.</summary>
public sealed record SubmissionError(int Row, string Column, string? Value, string Message);

/// <summary>A sample as the Samples batch takes it (its <c>CreateSampleRequest</c>).</summary>
public sealed record BatchSample(
    string Name, string SampleType, string? Barcode, decimal? Volume, decimal? Concentration,
    string? ProjectCode, DateTimeOffset? CollectedAt, string? Notes, Dictionary<string, object?> Metadata);

/// <summary>The checked sheet: one sample per data row (in sheet order) when <see cref="Errors"/> is empty.</summary>
public sealed record ValidatedSheet(
    int Rows, IReadOnlyList<SubmissionError> Errors, int ErrorsOmitted, int Rejected, IReadOnlyList<BatchSample> Samples,
    IReadOnlyList<int> RowNumbers, IReadOnlyDictionary<string, string> ColumnFor)
{
    public int Accepted => Rows - Rejected;
    public bool IsValid => Errors.Count == 0;

    /// <summary>The rows refused, given the rows that had errors: all of them when the header itself is wrong.</summary>
    public static int RejectedRows(int rows, SubmissionErrors errors) => errors.HeaderHasErrors ? rows : errors.Rows.Count;
}

/// <summary>
/// Checks every row of a sheet against a template and against what Samples will accept (the same shared rules Samples
/// enforces: sample types, barcode shapes, project codes, limits), so that a sheet that passes here commits; every
/// problem is reported, none is guessed away. Headers match column keys ignoring case and spaces;
/// columns the template does not know go into each sample's metadata under the header as written.
/// </summary>
public static partial class SheetValidator
{
    private static readonly string[] IsoDateFormats =
        ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDateStart();

    /// <summary>Checks the sheet; stops with <see cref="OperationCanceledException"/> as soon as <paramref name="ct"/>
    /// fires (the client or gateway gave up, or the submission's time budget ran out).</summary>
    public static ValidatedSheet Validate(Template template, Sheet sheet, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new SubmissionErrors();
        var columns = ReadHeader(template, sheet, errors);
        var columnFor = columns.Where(c => c.Field?.MapsTo is not null).ToDictionary(c => c.Field!.MapsTo!, c => c.Header, StringComparer.Ordinal);
        var samples = new List<BatchSample>(sheet.Rows.Count);
        var rowNumbers = new List<int>(sheet.Rows.Count);
        foreach (var row in sheet.Rows)
        {
            ct.ThrowIfCancellationRequested();
            samples.Add(CheckRow(row, columns, errors, now));
            rowNumbers.Add(row.Number);
        }
        if (columnFor.TryGetValue(SampleProperties.Barcode, out var barcodeColumn))
        {
            CheckBarcodesUnique(samples, rowNumbers, barcodeColumn, errors);
        }
        return new ValidatedSheet(sheet.Rows.Count, errors.Sorted(), errors.Omitted, ValidatedSheet.RejectedRows(sheet.Rows.Count, errors),
            samples, rowNumbers, columnFor);
    }

    /// <summary>A sheet column: its position, its header as written, and the template field it fills (null: metadata).</summary>
    private readonly record struct Column(int Index, string Header, TemplateField? Field);

    /// <summary>The named columns, with header errors (unnamed values, duplicates, missing required columns) reported on row 1.</summary>
    private static List<Column> ReadHeader(Template template, Sheet sheet, SubmissionErrors errors)
    {
        var byKey = template.Fields.ToDictionary(f => TemplateRules.NormalizeHeader(f.Key), StringComparer.Ordinal);
        var columns = new List<Column>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sheet.Headers.Count; i++)
        {
            var header = sheet.Headers[i];
            if (header.Length == 0)
            {
                if (sheet.Rows.Any(r => !r[i].IsBlank))
                {
                    errors.Add(new(1, ColumnLetter(i), null, $"Column {ColumnLetter(i)} has values but no header; name it or empty it."));
                }
                continue;
            }
            var normalized = TemplateRules.NormalizeHeader(header);
            if (!seen.TryAdd(normalized, header))
            {
                errors.Add(new(1, header, header, $"The column '{header}' appears twice (as '{seen[normalized]}' too); keep one."));
                continue;
            }
            columns.Add(new(i, header, byKey.GetValueOrDefault(normalized)));
        }
        foreach (var field in template.Fields.Where(f => f.Required && !columns.Any(c => c.Field == f)))
        {
            errors.Add(new(1, field.Key, null, $"The required column '{field.Key}' is missing."));
        }
        return columns;
    }

    private static BatchSample CheckRow(SheetRow row, List<Column> columns, SubmissionErrors errors, DateTimeOffset now)
    {
        var sample = new Dictionary<string, object?>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            CheckCell(row.Number, column, row[column.Index], sample, metadata, errors, now);
        }
        if (metadata.Count > 0 && JsonSerializer.Serialize(metadata).Length > SampleLimits.MaxMetadataLength)
        {
            errors.Add(new(row.Number, columns.First(c => c.Field?.MapsTo is null).Header, null,
                "The columns outside the template hold more than 16 KB of text in this row; shorten them."));
        }
        return new BatchSample(
            sample.GetValueOrDefault(SampleProperties.Name) as string ?? "",
            sample.GetValueOrDefault(SampleProperties.SampleType) as string ?? "",
            sample.GetValueOrDefault(SampleProperties.Barcode) as string,
            sample.GetValueOrDefault(SampleProperties.Volume) as decimal?,
            sample.GetValueOrDefault(SampleProperties.Concentration) as decimal?,
            sample.GetValueOrDefault(SampleProperties.ProjectCode) as string,
            sample.GetValueOrDefault(SampleProperties.CollectedAt) as DateTimeOffset?,
            sample.GetValueOrDefault(SampleProperties.Notes) as string,
            metadata);
    }

    /// <summary>One cell: a template field's value goes to the sample (or, unmapped, to metadata), an unknown column's text to metadata.</summary>
    private static void CheckCell(int rowNumber, Column column, SheetCell cell, Dictionary<string, object?> sample,
        Dictionary<string, object?> metadata, SubmissionErrors errors, DateTimeOffset now)
    {
        if (column.Field is not { } field)
        {
            if (!cell.IsBlank)
            {
                metadata[column.Header] = cell.Text.Trim();
            }
            return;
        }
        if (cell.IsBlank)
        {
            if (field.Required)
            {
                errors.Add(new(rowNumber, column.Header, null, "A value is required here."));
            }
            return;
        }
        var (value, problem) = FieldValues.Parse(field, cell);
        if (problem is null && field.MapsTo is { } property)
        {
            (value, problem) = CheckForSamples(property, value, cell.Text.Trim(), now);
        }
        if (problem is not null)
        {
            errors.Add(new(rowNumber, column.Header, cell.Text, problem));
        }
        else if (field.MapsTo is { } mapsTo)
        {
            sample[mapsTo] = value;
        }
        else
        {
            metadata[field.Key] = value is DateTimeOffset date ? FieldValues.FormatDate(date) : value;
        }
    }

    private static void CheckBarcodesUnique(List<BatchSample> samples, List<int> rowNumbers, string barcodeColumn, SubmissionErrors errors)
    {
        foreach (var group in samples.Select((s, i) => (s.Barcode, Row: rowNumbers[i])).Where(x => x.Barcode is not null)
                     .GroupBy(x => x.Barcode!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var (barcode, rowNumber) in group)
            {
                var others = string.Join(", ", group.Where(x => x.Row != rowNumber).Select(x => x.Row));
                errors.Add(new(rowNumber, barcodeColumn, barcode, $"The barcode '{barcode}' is used more than once in this sheet (also in row {others})."));
            }
        }
    }

    /// <summary>Samples' own rules for the properties a column fills, said in the sheet's terms.</summary>
    internal static (object? Value, string? Problem) CheckForSamples(string property, object? value, string text, DateTimeOffset now) => property switch
    {
        SampleProperties.Name when ((string)value!).Length > SampleLimits.MaxNameLength =>
            (null, $"A name may have at most {SampleLimits.MaxNameLength} characters; this one has {((string)value!).Length}."),
        SampleProperties.Notes when ((string)value!).Length > SampleLimits.MaxNotesLength =>
            (null, $"Notes may have at most {SampleLimits.MaxNotesLength} characters; these have {((string)value!).Length}."),
        SampleProperties.SampleType => SampleTypes.IsKnown(((string)value!).ToLowerInvariant())
            ? (((string)value!).ToLowerInvariant(), null)
            : (null, $"'{SubmissionErrors.Shorten(text, 60)}' is not a sample type; use one of: {string.Join(", ", SampleTypes.All)}."),
        SampleProperties.Barcode => BarcodeRules.Classify((string)value!) switch
        {
            BarcodeShape.Malformed => (null,
                $"'{text}' is not a valid barcode: use 4 to 50 capital letters, digits or hyphens, starting with a letter or digit."),
            BarcodeShape.Reserved => (null, $"'{text}' has the shape of a barcode TracSeq generates; leave the cell empty to get one."),
            _ => (value, null),
        },
        SampleProperties.Volume when !SampleLimits.IsInRange((decimal)value!, SampleLimits.MaxVolume) => OutOfRange(text, SampleLimits.MaxVolume),
        SampleProperties.Concentration when !SampleLimits.IsInRange((decimal)value!, SampleLimits.MaxConcentration) =>
            OutOfRange(text, SampleLimits.MaxConcentration),
        SampleProperties.ProjectCode when !ProjectCodes.IsValid((string)value!) =>
            (null, $"'{text}' is not a valid project code: use up to 50 letters, digits, dots, hyphens or underscores."),
        SampleProperties.CollectedAt when SampleLimits.IsCollectedAtInFuture((DateTimeOffset)value!, now) => (null, $"{text} is in the future."),
        SampleProperties.CollectedAt when SampleLimits.IsCollectedAtTooEarly((DateTimeOffset)value!) =>
            (null, $"{text} is before {SampleLimits.EarliestCollectionYear}."),
        _ => (value, null),
    };

    private static (object?, string?) OutOfRange(string text, decimal max) =>
        (null, $"{text} is out of range: it must be between 0 and {max.ToString(CultureInfo.InvariantCulture)}.");

    public static string ColumnLetter(int index)
    {
        var letters = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + (n - 1) % 26) + letters;
        }
        return letters;
    }

    internal static bool TryParseIsoDate(string text, out DateTimeOffset value)
    {
        value = default;
        if (!IsoDateStart().IsMatch(text))
        {
            return false;
        }
        if (DateTime.TryParseExact(
            text, IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var plain))
        {
            value = new DateTimeOffset(plain, TimeSpan.Zero);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
