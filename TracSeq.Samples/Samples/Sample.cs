using System.Text.Json;

namespace TracSeq.Samples.Samples;

/// <summary>A row of <c>samples</c> joined with where it sits.</summary>
public sealed class Sample
{
    public Guid Id { get; init; }
    public string Barcode { get; init; } = "";
    public string Name { get; init; } = "";
    public string SampleType { get; init; } = "";
    public string Status { get; init; } = "";
    public string? ProjectCode { get; init; }
    public Guid ProjectId { get; init; }
    public Guid? SubmissionId { get; init; }
    public Guid? TemplateId { get; init; }
    public int? TemplateVersion { get; init; }
    public decimal? Volume { get; init; }
    public decimal? Concentration { get; init; }
    public decimal? QualityScore { get; init; }
    public DateTime? CollectedAt { get; init; }
    public DateTime? ReceivedAt { get; init; }
    public string? Notes { get; init; }
    public string Metadata { get; init; } = "{}";
    public Guid? LocationId { get; init; }
    public string? Position { get; init; }
    public string? LocationBarcode { get; init; }
    public string? LocationName { get; init; }
    public string? LocationKind { get; init; }
    public string? LocationPath { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public int Version { get; init; }

    /// <summary>The entity tag of this version: strong, quoted, and nothing but the concurrency version.</summary>
    public string ETag => SampleETag.For(Version);

    public SampleLocationDto? Location => LocationId is { } id
        ? new SampleLocationDto(id, LocationBarcode ?? "", LocationName ?? "", LocationKind ?? "", Position, LocationPath ?? "")
        : null;

    /// <summary>Where the sample sits, as its audit events record it.</summary>
    public Audit.EventLocation? ToEventLocation() =>
        LocationId is { } id ? new Audit.EventLocation(id, LocationBarcode ?? "", LocationName ?? "", Position, LocationPath ?? "") : null;

    public SampleDto ToDto() => new(
        Id, Barcode, Name, SampleType, Status, ProjectId, ProjectCode, SubmissionId, TemplateId, TemplateVersion,
        Volume, Concentration, QualityScore, CollectedAt, ReceivedAt, Notes, ParseMetadata(Metadata),
        Location, CreatedBy, CreatedAt, UpdatedAt, Version);

    public static JsonElement ParseMetadata(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A sample as the API shows it. Volume in µL, concentration in ng/µL.</summary>
public sealed record SampleDto(
    Guid Id, string Barcode, string Name, string SampleType, string Status, Guid ProjectId, string? ProjectCode,
    Guid? SubmissionId, Guid? TemplateId, int? TemplateVersion,
    decimal? Volume, decimal? Concentration, decimal? QualityScore,
    DateTime? CollectedAt, DateTime? ReceivedAt, string? Notes, JsonElement Metadata,
    SampleLocationDto? Location, Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, int Version);

/// <summary>Where a sample sits: the location, the position in a box, and the path from the top of the tree.</summary>
public sealed record SampleLocationDto(Guid Id, string Barcode, string Name, string Kind, string? Position, string Path);

public static class SampleQueries
{
    /// <summary>Every column of <see cref="Sample"/>, for <c>FROM samples s LEFT JOIN storage_locations l ON l.id = s.location_id</c>.</summary>
    public const string Columns = """
        s.id, s.barcode, s.name, s.sample_type, s.status, s.project_id, s.project_code, s.submission_id, s.template_id,
        s.template_version, s.volume, s.concentration, s.quality_score, s.collected_at, s.received_at, s.notes,
        s.metadata::text AS metadata, s.location_id, s.position, l.barcode AS location_barcode,
        l.name AS location_name, l.kind AS location_kind,
        CASE WHEN s.location_id IS NOT NULL THEN storage_location_path(s.location_id) END AS location_path,
        s.created_by, s.created_at, s.updated_at, s.version
        """;

    public const string From = "FROM samples s LEFT JOIN storage_locations l ON l.id = s.location_id";

    public const string SelectById = $"SELECT {Columns} {From} WHERE s.id = @id";
}
