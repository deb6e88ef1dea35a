using System.Text.Json;

namespace TracSeq.Web.Api;

// The gateway's JSON, as far as the pages read it (property names are the API's, camelCase on the wire).

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

public sealed record SampleLocation(Guid Id, string Barcode, string Name, string Kind, string? Position, string Path);

public sealed record Sample(
    Guid Id, string Barcode, string Name, string SampleType, string Status, string? ProjectCode,
    Guid? SubmissionId, Guid? TemplateId, int? TemplateVersion,
    decimal? Volume, decimal? Concentration, decimal? QualityScore,
    DateTime? CollectedAt, DateTime? ReceivedAt, string? Notes, JsonElement Metadata,
    SampleLocation? Location, Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, int Version);

public sealed record SampleStats(long Total, Dictionary<string, long> ByStatus, Dictionary<string, long> ByType);

public sealed record Actor(Guid Id, string? Email, string? Name);

public sealed record SampleEvent(
    long Id, string Type, DateTime At, Actor Actor, string? FromStatus, string? ToStatus,
    JsonElement Changes, string? Reason, JsonElement? Location, string? TraceId);

public sealed record Occupancy(long Capacity, long Occupied, long Free, long Samples);

public sealed record StorageLocation(
    Guid Id, string Name, string Barcode, string Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns,
    string Path, Occupancy Occupancy, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A sample in a location; a sample of a project the user cannot see comes as its position only (every other field null).</summary>
public sealed record StoredSample(Guid? Id, string? Barcode, string? Name, string? SampleType, string? Status, string? Position);

public sealed record StorageLocationDetail(
    Guid Id, string Name, string Barcode, string Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns,
    string Path, Occupancy Occupancy, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<StorageLocation> Children, IReadOnlyList<StoredSample> Contents, bool ContentsTruncated);

public sealed record Project(
    Guid Id, string Code, string Name, string? Description, string? CostCode, bool Archived, string? MyRole,
    long SampleCount, Guid? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ProjectMember(Guid UserId, string Role, Guid AddedBy, DateTime AddedAt);

public sealed record ProjectEvent(
    long Id, string Type, DateTime At, Guid ActorId, string? ActorEmail, string? ActorName, Guid? UserId,
    JsonElement Changes, string? TraceId);

/// <summary>An account as the user directory shows it to project owners.</summary>
public sealed record DirectoryEntry(Guid Id, string Email, string DisplayName);

public sealed class TemplateField
{
    public string Key { get; set; } = "";
    public string? Label { get; set; }
    public string Type { get; set; } = "text";
    public bool Required { get; set; }
    public List<string> Options { get; set; } = [];
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public int? MaxLength { get; set; }
    public string? Pattern { get; set; }
    public string? Unit { get; set; }
    public string? MapsTo { get; set; }
}

public sealed record Template(
    Guid Id, Guid LineageId, int Version, string Name, string? Description, string? Category, string Status,
    List<TemplateField> Fields, Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, DateTime? PublishedAt);

public sealed record SubmissionError(int Row, string Column, string? Value, string Message);

public sealed record SubmissionReport(
    Guid SubmissionId, Guid TemplateId, int TemplateVersion, int Rows, int Accepted, int Rejected,
    IReadOnlyList<SubmissionError> Errors, int ErrorsOmitted, IReadOnlyList<Guid> SampleIds,
    string Outcome, bool DryRun, string FileName, Guid SubmittedBy, DateTime SubmittedAt, DateTime? CompletedAt);

public sealed record SubmissionSummary(
    Guid SubmissionId, Guid TemplateId, int TemplateVersion, string FileName, string Outcome, bool DryRun,
    int Rows, int Accepted, int Rejected, Guid SubmittedBy, DateTime SubmittedAt, DateTime? CompletedAt);

public sealed record AuthEvent(
    long Id, string Type, DateTime At, Guid? UserId, string? Email, Guid? ActorId,
    string? Ip, string? UserAgent, string? TraceId, JsonElement Details);

/// <summary>The product's vocabularies, in the order people read them.</summary>
public static class Vocabulary
{
    // The services' own vocabularies (Contracts, ServiceDefaults), never copies of them.
    public static readonly IReadOnlyList<string> Statuses = TracSeq.Contracts.SampleStatus.All;

    public static readonly IReadOnlyList<string> SampleTypes = TracSeq.Contracts.SampleTypes.All;

    public static readonly IReadOnlyList<string> Roles = TracSeq.ServiceDefaults.Security.Roles.Ordered;

    public static readonly string[] FieldTypes = ["text", "integer", "decimal", "date", "boolean", "select", "multiselect"];

    public static readonly string[] MapsTo = ["name", "sampleType", "barcode", "volume", "concentration", "collectedAt", "projectCode", "notes"];

    /// <summary>Memberships of a project, the most powerful first.</summary>
    public static readonly string[] ProjectRoles = ["owner", "member", "viewer"];

    public static readonly string[] LocationKinds = ["room", "freezer", "fridge", "shelf", "rack", "box"];

    public static string Words(string value) => value.Replace('_', ' ');
}
