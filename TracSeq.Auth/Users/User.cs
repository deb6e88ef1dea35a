namespace TracSeq.Auth.Users;

/// <summary>A row of <c>users</c>. The password hash never leaves this service's process.</summary>
public sealed class User
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public string Status { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public int TokenVersion { get; init; }
    public int FailedLoginCount { get; init; }
    public DateTime? LockedUntil { get; init; }
    public DateTime? LastLoginAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    public bool IsActive => Status == UserStatus.Active;

    public UserDto ToDto() => new(Id, Email, DisplayName, Role, Status, LastLoginAt, CreatedAt, UpdatedAt);
}

public static class UserStatus
{
    public const string Active = "active";
    public const string Disabled = "disabled";

    public static bool IsKnown(string? status) => status is Active or Disabled;
}

public sealed record UserDto(
    Guid Id, string Email, string DisplayName, string Role, string Status,
    DateTime? LastLoginAt, DateTime CreatedAt, DateTime UpdatedAt);

public static class UserQueries
{
    public const string Columns =
        "id, email, display_name, role, status, password_hash, token_version, failed_login_count, locked_until, last_login_at, created_at, updated_at";
}
