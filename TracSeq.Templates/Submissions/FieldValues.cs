using System.Globalization;
using System.Text.RegularExpressions;
using TracSeq.Templates.Templates;

namespace TracSeq.Templates.Submissions;

/// <summary>
/// Turns one non-blank cell into the value its column's type says, or says in plain words why it cannot.
/// Numbers use a decimal point (a comma is refused rather than guessed: '12,5' could be 12.5 or 125);
/// dates are ISO (2024-03-05), Excel date cells, or Excel serial day numbers.
/// </summary>
public static class FieldValues
{
    private const NumberStyles Number = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite |
                                        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
    private const double MaxExcelSerial = 2_958_465; // 9999-12-31
    private static readonly string[] True = ["true", "yes", "y", "1"];
    private static readonly string[] False = ["false", "no", "n", "0"];

    public static (object? Value, string? Problem) Parse(TemplateField field, SheetCell cell)
    {
        var text = cell.Text.Trim();
        return field.Type switch
        {
            FieldTypes.Text => Text(field, text),
            FieldTypes.Integer => decimal.TryParse(text, Number, CultureInfo.InvariantCulture, out var i) && i == decimal.Truncate(i)
                ? InRange(field, decimal.Truncate(i), text)
                : (null, $"'{text}' is not a whole number."),
            FieldTypes.Decimal => decimal.TryParse(text, Number, CultureInfo.InvariantCulture, out var d)
                ? InRange(field, d, text)
                : (null, $"'{text}' is not a decimal number."),
            FieldTypes.Date => Date(cell, text),
            FieldTypes.Boolean => cell.Typed is bool b ? (b, null)
                : True.Contains(text, StringComparer.OrdinalIgnoreCase) ? (true, null)
                : False.Contains(text, StringComparer.OrdinalIgnoreCase) ? (false, null)
                : (null, $"'{text}' is not yes or no; use TRUE or FALSE."),
            FieldTypes.Select => Option(field, text) is { } option
                ? (option, null)
                : (null, $"'{SubmissionErrors.Shorten(text, 60)}' is not one of the choices: {SubmissionErrors.Choices(field.Options)}."),
            FieldTypes.Multiselect => Options(field, text),
            _ => (null, $"The column type {field.Type} is unknown."),
        };
    }

    public static string FormatDate(DateTimeOffset date) => date.TimeOfDay == TimeSpan.Zero
        ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : date.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    private static (object?, string?) Text(TemplateField field, string text)
    {
        if (field.MaxLength is { } max && text.Length > max)
        {
            return (null, $"This is {text.Length} characters long; at most {max} are allowed.");
        }
        if (field.Pattern is { } pattern)
        {
            try
            {
                if (!TemplatePatterns.IsMatch(pattern, text))
                {
                    return (null, $"'{SubmissionErrors.Shorten(text, 60)}' does not have the expected form ({SubmissionErrors.Shorten(pattern, 80)}).");
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return (null, $"This value could not be checked against the expected form ({SubmissionErrors.Shorten(pattern, 80)}).");
            }
        }
        return (text, null);
    }

    private static (object?, string?) InRange(TemplateField field, decimal value, string text) =>
        field.Min is { } min && value < min ? (null, $"{text} is below the minimum of {min.ToString(CultureInfo.InvariantCulture)}{Unit(field)}.")
        : field.Max is { } max && value > max ? (null, $"{text} is above the maximum of {max.ToString(CultureInfo.InvariantCulture)}{Unit(field)}.")
        : (value, null);

    private static string Unit(TemplateField field) => field.Unit is null ? "" : " " + field.Unit;

    private static (object?, string?) Date(SheetCell cell, string text)
    {
        if (cell.Typed is DateTime excelDate)
        {
            return (new DateTimeOffset(DateTime.SpecifyKind(excelDate, DateTimeKind.Utc)), null);
        }
        if (SheetValidator.TryParseIsoDate(text, out var iso))
        {
            return (iso, null);
        }
        // An Excel serial day number: what a date cell becomes when its formatting is lost (45000 = 2023-03-15).
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial) && serial is >= 1 and <= MaxExcelSerial)
        {
            return (new DateTimeOffset(DateTime.SpecifyKind(DateTime.FromOADate(serial), DateTimeKind.Utc)), null);
        }
        return (null, $"'{text}' is not a date; write it as YYYY-MM-DD (e.g. 2024-03-05).");
    }

    private static string? Option(TemplateField field, string text) =>
        field.Options.FirstOrDefault(o => string.Equals(o, text, StringComparison.OrdinalIgnoreCase));

    private static (object?, string?) Options(TemplateField field, string text)
    {
        var chosen = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = chosen.Where(c => Option(field, c) is null).ToList();
        return unknown.Count > 0
            ? (null, $"'{SubmissionErrors.Shorten(string.Join("; ", unknown), 60)}' " +
                $"{(unknown.Count == 1 ? "is not one of the choices" : "are not among the choices")}: " +
                $"{SubmissionErrors.Choices(field.Options)} (separate several with ';').")
            : (chosen.Select(c => Option(field, c)!).Distinct().ToArray(), null);
    }
}
