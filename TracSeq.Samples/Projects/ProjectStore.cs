using TracSeq.Contracts.Internal;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Projects;

namespace TracSeq.Samples.Projects;

/// <summary>The SQL of projects, their members and their audit trail.</summary>
public static class ProjectStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Columns = """
        p.id, p.code, p.name, p.description, p.cost_code, p.archived, p.created_by, p.created_at, p.updated_at,
        (SELECT count(*) FROM samples s WHERE s.project_id = p.id) AS sample_count
        """;

    public static Task<Project?> GetAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null, bool forUpdate = false) =>
        connection.QuerySingleOrDefaultAsync<Project>(
            $"SELECT {Columns} FROM projects p WHERE p.id = @id{(forUpdate ? " FOR UPDATE OF p" : "")}", new { id }, tx);

    /// <summary>A project by its code, without the sample count (for resolving references).</summary>
    public static Task<Project?> FindByCodeAsync(NpgsqlConnection connection, string code, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Project>(
            "SELECT id, code, name, archived FROM projects WHERE code = @code", new { code }, tx);

    /// <summary>The projects of these codes that exist (code → project), one query for a whole batch.</summary>
    public static async Task<Dictionary<string, Project>> FindByCodesAsync(
        NpgsqlConnection connection, IReadOnlyCollection<string> codes, NpgsqlTransaction? tx = null) =>
        (await connection.QueryAsync<Project>("SELECT id, code, name, archived FROM projects WHERE code = ANY(@codes)", new { codes = codes.ToArray() }, tx))
            .ToDictionary(p => p.Code, StringComparer.Ordinal);

    public static async Task<(IReadOnlyList<Project> Items, long Total)> ListAsync(
        NpgsqlConnection connection, Guid[]? visible, string? q, bool? archived, PageRequest paging)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters(new { limit = paging.PageSize, offset = paging.Offset });
        if (visible is not null)
        {
            conditions.Add("p.id = ANY(@visible)");
            parameters.Add("visible", visible);
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            conditions.Add("(p.code ILIKE @q OR p.name ILIKE @q)");
            parameters.Add("q", $"%{Like.Escape(q.Trim())}%");
        }
        if (archived is { } a)
        {
            conditions.Add("p.archived = @archived");
            parameters.Add("archived", a);
        }
        var where = conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM projects p WHERE {where}", parameters);
        var items = await connection.QueryAsync<Project>(
            $"SELECT {Columns} FROM projects p WHERE {where} ORDER BY p.code LIMIT @limit OFFSET @offset", parameters);
        return ([.. items], total);
    }

    public static Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CreateProjectRequest r, Guid createdBy) =>
        connection.ExecuteAsync(
            """
            INSERT INTO projects (id, code, name, description, cost_code, created_by)
            VALUES (@id, @Code, @Name, @Description, @CostCode, @createdBy)
            """,
            new { id, r.Code, Name = r.Name!.Trim(), Description = Blank(r.Description), CostCode = Blank(r.CostCode), createdBy }, tx);

    public static Task UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string code, string name, string? description, string? costCode, bool archived) =>
        connection.ExecuteAsync(
            """
            UPDATE projects SET code = @code, name = @name, description = @description, cost_code = @costCode,
                   archived = @archived, updated_at = now()
            WHERE id = @id
            """,
            new { id, code, name, description, costCode, archived }, tx);

    public static Task<bool> HasSamplesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM samples WHERE project_id = @id)", new { id }, tx);

    public static async Task<IReadOnlyList<ProjectMemberDto>> MembersAsync(NpgsqlConnection connection, Guid projectId, NpgsqlTransaction? tx = null) =>
        [.. await connection.QueryAsync<ProjectMemberDto>(
            "SELECT user_id, role, added_by, added_at FROM project_members WHERE project_id = @projectId ORDER BY added_at, user_id",
            new { projectId }, tx)];

    public static Task<ProjectMemberDto?> MemberAsync(NpgsqlConnection connection, Guid projectId, Guid userId, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<ProjectMemberDto>(
            "SELECT user_id, role, added_by, added_at FROM project_members WHERE project_id = @projectId AND user_id = @userId",
            new { projectId, userId }, tx);

    public static Task PutMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid projectId, Guid userId, string role, Guid addedBy) =>
        connection.ExecuteAsync(
            """
            INSERT INTO project_members (project_id, user_id, role, added_by) VALUES (@projectId, @userId, @role, @addedBy)
            ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role
            """,
            new { projectId, userId, role, addedBy }, tx);

    public static Task RemoveMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid projectId, Guid userId) =>
        connection.ExecuteAsync("DELETE FROM project_members WHERE project_id = @projectId AND user_id = @userId", new { projectId, userId }, tx);

    public static Task<long> OwnerCountAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid projectId) =>
        connection.ExecuteScalarAsync<long>("SELECT count(*) FROM project_members WHERE project_id = @projectId AND role = 'owner'", new { projectId }, tx);

    /// <summary>A user's memberships with the projects' codes.</summary>
    public static async Task<IReadOnlyList<ProjectAccessEntry>> AccessAsync(NpgsqlConnection connection, Guid userId) =>
        [.. await connection.QueryAsync<ProjectAccessEntry>(
            "SELECT m.project_id, p.code, m.role FROM project_members m JOIN projects p ON p.id = m.project_id WHERE m.user_id = @userId ORDER BY p.code",
            new { userId })];

    public static Task WriteEventAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Actor actor, Guid projectId, string type,
        Guid? userId, IReadOnlyList<SampleChange> changes) =>
        connection.ExecuteAsync(
            """
            INSERT INTO project_events (project_id, type, actor_id, actor_email, actor_name, user_id, changes, trace_id)
            VALUES (@projectId, @type, @ActorId, @ActorEmail, @ActorName, @userId, @changes::jsonb, @traceId)
            """,
            new
            {
                projectId, type, ActorId = actor.Id, ActorEmail = actor.Email, ActorName = actor.Name, userId,
                changes = JsonSerializer.Serialize(changes, Json), traceId = Activity.Current?.TraceId.ToString(),
            }, tx);

    public static async Task<(IReadOnlyList<ProjectEventDto> Items, long Total)> EventsAsync(NpgsqlConnection connection, Guid projectId, PageRequest paging)
    {
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM project_events WHERE project_id = @projectId", new { projectId });
        var rows = await connection.QueryAsync<(long Id, string Type, DateTime At, Guid ActorId, string? ActorEmail, string? ActorName, Guid? UserId,
            string Changes, string? TraceId)>(
            """
            SELECT id, type, at, actor_id, actor_email, actor_name, user_id, changes::text, trace_id
            FROM project_events WHERE project_id = @projectId ORDER BY at, id LIMIT @limit OFFSET @offset
            """,
            new { projectId, limit = paging.PageSize, offset = paging.Offset });
        return ([.. rows.Select(r => new ProjectEventDto(r.Id, r.Type, r.At, r.ActorId, r.ActorEmail, r.ActorName, r.UserId,
            Samples.Sample.ParseMetadata(r.Changes), r.TraceId))], total);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Samples is the home of memberships: its own database is the cache's source.</summary>
public sealed class DatabaseMembershipSource(NpgsqlDataSource db) : IProjectMembershipSource
{
    public async Task<ProjectMemberships> LoadAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid ProjectId, string Role)>(
            "SELECT project_id, role FROM project_members WHERE user_id = @userId", new { userId });
        return new ProjectMemberships(rows.ToDictionary(r => r.ProjectId, r => r.Role));
    }
}
