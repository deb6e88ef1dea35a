namespace TracSeq.Templates.Templates;

/// <summary>A column of a template as clients send it. <c>key</c> is the column header of the sheet.</summary>
public sealed record TemplateFieldRequest(
    string? Key, string? Label, string? Type, bool? Required, IReadOnlyList<string?>? Options,
    decimal? Min, decimal? Max, int? MaxLength, string? Pattern, string? Unit, string? MapsTo);

/// <summary>Create and update (drafts only) take the same body.</summary>
public sealed record TemplateRequest(string? Name, string? Description, string? Category, IReadOnlyList<TemplateFieldRequest?>? Fields);

public sealed record TemplateFieldDto(
    string Key, string? Label, string Type, bool Required, IReadOnlyList<string> Options,
    decimal? Min, decimal? Max, int? MaxLength, string? Pattern, string? Unit, string? MapsTo);

public sealed record TemplateDto(
    Guid Id, Guid LineageId, int Version, string Name, string? Description, string? Category, string Status,
    IReadOnlyList<TemplateFieldDto> Fields, Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, DateTime? PublishedAt);

/// <summary>A row of <c>templates</c>.</summary>
public sealed class Template
{
    public Guid Id { get; init; }
    public Guid LineageId { get; init; }
    public int Version { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string? Category { get; init; }
    public string Status { get; init; } = "";
    public Guid CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? PublishedAt { get; init; }
    public List<TemplateField> Fields { get; } = [];

    public TemplateDto ToDto() => new(Id, LineageId, Version, Name, Description, Category, Status,
        [.. Fields.Select(f => f.ToDto())], CreatedBy, CreatedAt, UpdatedAt, PublishedAt);
}

/// <summary>A row of <c>template_fields</c>.</summary>
public sealed class TemplateField
{
    public Guid TemplateId { get; init; }
    public int Position { get; init; }
    public string Key { get; init; } = "";
    public string? Label { get; init; }
    public string Type { get; init; } = "";
    public bool Required { get; init; }
    public string[] Options { get; init; } = [];
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public int? MaxLength { get; init; }
    public string? Pattern { get; init; }
    public string? Unit { get; init; }
    public string? MapsTo { get; init; }

    public bool HasOptions => Type is FieldTypes.Select or FieldTypes.Multiselect;

    public TemplateFieldDto ToDto() => new(Key, Label, Type, Required, Options, Min, Max, MaxLength, Pattern, Unit, MapsTo);

    public static TemplateField From(TemplateFieldRequest r, Guid templateId, int position) => new()
    {
        TemplateId = templateId,
        Position = position,
        Key = r.Key!.Trim(),
        Label = string.IsNullOrWhiteSpace(r.Label) ? null : r.Label.Trim(),
        Type = r.Type!,
        Required = r.Required ?? false,
        Options = [.. (r.Options ?? []).Select(o => o!.Trim())],
        Min = r.Min,
        Max = r.Max,
        MaxLength = r.MaxLength,
        Pattern = string.IsNullOrEmpty(r.Pattern) ? null : r.Pattern,
        Unit = string.IsNullOrWhiteSpace(r.Unit) ? null : r.Unit.Trim(),
        MapsTo = string.IsNullOrWhiteSpace(r.MapsTo) ? null : r.MapsTo,
    };
}

public static class TemplateStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Archived = "archived";
    public static readonly IReadOnlyList<string> All = [Draft, Published, Archived];
}

public static class FieldTypes
{
    public const string Text = "text";
    public const string Integer = "integer";
    public const string Decimal = "decimal";
    public const string Date = "date";
    public const string Boolean = "boolean";
    public const string Select = "select";
    public const string Multiselect = "multiselect";
    public static readonly IReadOnlyList<string> All = [Text, Integer, Decimal, Date, Boolean, Select, Multiselect];
}

/// <summary>The sample properties a column can fill (<c>mapsTo</c>), and the field types that can fill each.</summary>
public static class SampleProperties
{
    public const string Name = "name";
    public const string SampleType = "sampleType";
    public const string Barcode = "barcode";
    public const string Volume = "volume";
    public const string Concentration = "concentration";
    public const string CollectedAt = "collectedAt";
    public const string ProjectCode = "projectCode";
    public const string Notes = "notes";

    public static readonly IReadOnlyDictionary<string, string[]> AllowedTypes = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Name] = [FieldTypes.Text],
        [SampleType] = [FieldTypes.Select, FieldTypes.Text],
        [Barcode] = [FieldTypes.Text],
        [Volume] = [FieldTypes.Decimal, FieldTypes.Integer],
        [Concentration] = [FieldTypes.Decimal, FieldTypes.Integer],
        [CollectedAt] = [FieldTypes.Date],
        [ProjectCode] = [FieldTypes.Text, FieldTypes.Select],
        [Notes] = [FieldTypes.Text],
    };
}
