using System.Globalization;
using System.Text.RegularExpressions;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Templates.Templates;

/// <summary>What a template must be before it is stored: every column typed and unambiguous, and enough of them mapped
/// to sample properties that each row can become a sample (a name and a sample type, both required).</summary>
public static class TemplateRules
{
    public const int MaxFields = SampleLimits.MaxMetadataKeys; // unmapped columns become metadata keys; no lab sheet needs more
    public const int MaxKeyLength = 100;
    public const int MaxOptions = 500;
    public const int MaxOptionLength = 100;
    public const int MaxTextLength = 4000;

    /// <summary>How a header is compared with a column key: case, spaces and underscores do not count
    /// ("Sample Name", "sample_name" and "SAMPLENAME" are one column), nor a stray byte-order mark.</summary>
    public static string NormalizeHeader(string header) =>
        string.Concat(header.Where(c => !char.IsWhiteSpace(c) && c is not '_' and not '\uFEFF')).ToLowerInvariant();

    /// <summary>Text a spreadsheet would read as a formula when it opens the file (CSV/formula injection, OWASP).</summary>
    public static bool StartsLikeFormula(string text)
    {
        var trimmed = text.TrimStart(' ');
        return text.Length > 0 && (text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' ||
                                   trimmed.Length > 0 && trimmed[0] is '=' or '+' or '-' or '@');
    }

    public static ValidationErrors Check(TemplateRequest request)
    {
        var errors = new ValidationErrors()
            .Text("name", request.Name, 200)
            .Text("description", request.Description, 2000, required: false)
            .Text("category", request.Category, 100, required: false);
        if (request.Fields is not { Count: > 0 and <= MaxFields } fields)
        {
            return errors.Add("fields", $"fields must hold 1 to {MaxFields} columns.");
        }
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var mapped = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] is not { } field)
            {
                errors.Add($"fields[{i}]", "A field is required here.");
                continue;
            }
            CheckField(errors, field, i, keys, mapped);
        }
        foreach (var needed in new[] { SampleProperties.Name, SampleProperties.SampleType })
        {
            errors.Check(mapped.ContainsKey(needed), "fields", $"One column must have mapsTo {needed}: every sample needs one.");
        }
        return errors;
    }

    /// <summary>One field; <paramref name="keys"/> and <paramref name="mapped"/> remember the earlier fields' columns and properties.</summary>
    private static void CheckField(ValidationErrors errors, TemplateFieldRequest field, int i, Dictionary<string, int> keys, Dictionary<string, int> mapped)
    {
        var p = string.Create(CultureInfo.InvariantCulture, $"fields[{i}].");
        errors.Check(field.Key is null || !StartsLikeFormula(field.Key), p + "key",
                  "key must not start with =, +, -, @, a tab or a line break: a spreadsheet would run it as a formula.")
              .Text(p + "key", field.Key, MaxKeyLength).Text(p + "label", field.Label, 200, required: false)
              .Text(p + "unit", field.Unit, 20, required: false);
        if (!string.IsNullOrWhiteSpace(field.Key) && !keys.TryAdd(NormalizeHeader(field.Key), i))
        {
            errors.Add(p + "key",
                $"'{field.Key.Trim()}' is the same column as fields[{keys[NormalizeHeader(field.Key)]}] (case, spaces and underscores do not count).");
        }
        if (!FieldTypes.All.Contains(field.Type ?? ""))
        {
            errors.Add(p + "type", $"type must be one of: {string.Join(", ", FieldTypes.All)}.");
            return;
        }
        CheckTypeSpecific(errors, field, p);
        if (field.MapsTo is { } mapsTo)
        {
            CheckMapsTo(errors, field, mapsTo, i, p, mapped);
        }
    }

    private static void CheckMapsTo(ValidationErrors errors, TemplateFieldRequest field, string mapsTo, int i, string p, Dictionary<string, int> mapped)
    {
        if (!SampleProperties.AllowedTypes.TryGetValue(mapsTo, out var types))
        {
            errors.Add(p + "mapsTo", $"mapsTo must be one of: {string.Join(", ", SampleProperties.AllowedTypes.Keys)}.");
        }
        else if (!types.Contains(field.Type))
        {
            errors.Add(p + "mapsTo", $"A {field.Type} column cannot fill {mapsTo}; use a {string.Join(" or ", types)} column.");
        }
        else if (!mapped.TryAdd(mapsTo, i))
        {
            errors.Add(p + "mapsTo", $"{mapsTo} is already filled by fields[{mapped[mapsTo]}].");
        }
        else if (mapsTo is SampleProperties.Name or SampleProperties.SampleType && field.Required != true)
        {
            errors.Add(p + "required", $"The column that fills {mapsTo} must be required: every sample needs one.");
        }
    }

    private static void CheckTypeSpecific(ValidationErrors errors, TemplateFieldRequest field, string p)
    {
        if (field.Type is FieldTypes.Select or FieldTypes.Multiselect)
        {
            CheckOptions(errors, field, p);
        }
        else
        {
            errors.Check(field.Options is null or { Count: 0 }, p + "options", "Only select and multiselect columns have options.");
        }
        var numeric = field.Type is FieldTypes.Integer or FieldTypes.Decimal;
        errors.Check(numeric || (field.Min is null && field.Max is null), p + "min", "Only integer and decimal columns have min and max.")
              .Check(field.Min is null || field.Max is null || field.Min <= field.Max, p + "max", "max must not be below min.");
        var text = field.Type == FieldTypes.Text;
        errors.Check(field.MaxLength is null || (text && field.MaxLength is >= 1 and <= MaxTextLength), p + "maxLength",
            $"maxLength is for text columns, 1 to {MaxTextLength}.");
        if (!string.IsNullOrEmpty(field.Pattern))
        {
            if (!text)
            {
                errors.Add(p + "pattern", "pattern is for text columns.");
            }
            else if (TemplatePatterns.Problem(field.Pattern) is { } problem)
            {
                errors.Add(p + "pattern", problem);
            }
        }
    }

    private static void CheckOptions(ValidationErrors errors, TemplateFieldRequest field, string p)
    {
        var options = field.Options ?? [];
        errors.Check(options.Count is > 0 and <= MaxOptions, p + "options", $"A {field.Type} column needs 1 to {MaxOptions} options.")
              .Check(options.All(o => o is not null && o.Trim().Length is > 0 and <= MaxOptionLength), p + "options",
                  $"Each option must be 1 to {MaxOptionLength} characters.")
              .Check(options.Where(o => o is not null).Select(o => o!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == options.Count,
                  p + "options", "Options must differ (case does not count).");
        if (field.Type == FieldTypes.Multiselect)
        {
            errors.Check(options.All(o => o is null || !o.Contains(';', StringComparison.Ordinal)), p + "options",
                "Multiselect options cannot contain ';' (it separates the chosen options in a cell).");
        }
        if (field.MapsTo == SampleProperties.SampleType)
        {
            errors.Check(options.All(o => o is not null && SampleTypes.All.Contains(o.Trim().ToLowerInvariant())), p + "options",
                $"The options of a sampleType column must be sample types: {string.Join(", ", SampleTypes.All)}.");
        }
    }
}
