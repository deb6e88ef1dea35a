namespace TracSeq.Web.Api;

/// <summary>
/// What the field editor keeps consistent while someone edits a column: only select columns have options, only
/// numbers a range, only text a length and pattern. Templates checks everything again when the draft is saved.
/// </summary>
public static class FieldRules
{
    public static bool HasOptions(string type) => type is "select" or "multiselect";

    public static bool HasRange(string type) => type is "integer" or "decimal";

    /// <summary>Switching a column's type drops the settings the new type cannot have.</summary>
    public static void ChangeType(TemplateField field, string type)
    {
        field.Type = type;
        if (!HasOptions(type))
        {
            field.Options = [];
        }
        if (!HasRange(type))
        {
            (field.Min, field.Max) = (null, null);
        }
        if (type != "text")
        {
            (field.MaxLength, field.Pattern) = (null, null);
        }
    }

    /// <summary>"a, b ,, c" → [a, b, c]: blank entries and repeats dropped, order kept.</summary>
    public static List<string> ParseOptions(string? text) => [.. (text ?? "")
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Distinct(StringComparer.Ordinal)];

    /// <summary>Said at once rather than after saving: a minimum above the maximum.</summary>
    public static string? RangeProblem(TemplateField field) =>
        field.Min is { } min && field.Max is { } max && min > max ? $"The minimum ({min}) is above the maximum ({max})." : null;

    /// <summary>The two columns every template needs (name and sample type, mapped and required), to start a draft.</summary>
    public static List<TemplateField> StarterFields() =>
    [
        new() { Key = "sample_name", Label = "Sample name", Type = "text", Required = true, MapsTo = "name", MaxLength = 200 },
        new() { Key = "sample_type", Label = "Sample type", Type = "select", Required = true, MapsTo = "sampleType", Options = [.. Vocabulary.SampleTypes] },
    ];
}
