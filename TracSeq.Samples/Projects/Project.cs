namespace TracSeq.Samples.Projects;

/// <summary>A row of <c>projects</c>.</summary>
public sealed class Project
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string? CostCode { get; init; }
    public bool Archived { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public long SampleCount { get; init; }

    public ProjectDto ToDto(string? myRole) =>
        new(Id, Code, Name, Description, CostCode, Archived, myRole, SampleCount, CreatedBy, CreatedAt, UpdatedAt);
}

/// <summary>A project as the API shows it; <c>myRole</c> is the caller's membership (null for staff who are not members).</summary>
public sealed record ProjectDto(
    Guid Id, string Code, string Name, string? Description, string? CostCode, bool Archived, string? MyRole,
    long SampleCount, Guid? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record CreateProjectRequest(string? Code, string? Name, string? Description, string? CostCode);

public sealed record ProjectMemberDto(Guid UserId, string Role, Guid AddedBy, DateTime AddedAt);

public sealed record PutMemberRequest(string? Role);

public sealed record ProjectEventDto(
    long Id, string Type, DateTime At, Guid ActorId, string? ActorEmail, string? ActorName, Guid? UserId,
    System.Text.Json.JsonElement Changes, string? TraceId);

public static class ProjectEventTypes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Archived = "archived";
    public const string Unarchived = "unarchived";
    public const string MemberAdded = "member_added";
    public const string MemberChanged = "member_changed";
    public const string MemberRemoved = "member_removed";
}

/// <summary>Bounds of a project's text fields (docs/api.md states them).</summary>
public static class ProjectLimits
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxCostCodeLength = 50;
    public const int MaxQueryLength = 100;
}
