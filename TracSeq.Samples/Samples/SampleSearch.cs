using Dapper;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;

namespace TracSeq.Samples.Samples;

/// <summary>
/// The filters of <c>GET /api/samples</c>, shared by the list, the CSV export and the stats. <c>status</c> and
/// <c>type</c> take one value or several separated by commas; <c>from</c>/<c>to</c> bound the creation time;
/// <c>locationId</c> includes everything below that location; <c>sort</c> is a field, <c>-</c> first for descending.
/// </summary>
public sealed record SampleFilter(
    string? Status, string? Type, string? Q, string? ProjectCode, Guid? SubmissionId, Guid? LocationId,
    DateTimeOffset? From, DateTimeOffset? To, string? Sort);

/// <summary>SQL for <see cref="SampleFilter"/>: only the conditions that were asked for, all parameterised.</summary>
public sealed record SampleQuery(string Where, DynamicParameters Parameters, string OrderBy)
{
    public const int MaxQueryLength = 200;

    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["createdAt"] = "s.created_at",
        ["updatedAt"] = "s.updated_at",
        ["collectedAt"] = "s.collected_at",
        ["barcode"] = "s.barcode",
        ["name"] = "s.name",
        ["status"] = "s.status",
        ["sampleType"] = "s.sample_type",
        ["projectCode"] = "s.project_code",
    };

    public static SampleQuery From(SampleFilter filter, ValidationErrors errors)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        void Add(string condition, string name, object value)
        {
            conditions.Add(condition);
            parameters.Add(name, value);
        }
        AddVocabularies(filter, errors, Add);
        AddText(filter, errors, Add);
        AddScopes(filter, Add);
        var orderBy = OrderByOf(filter.Sort, errors);
        return new SampleQuery(conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions), parameters, orderBy);
    }

    /// <summary><c>status</c> and <c>type</c>: each a comma list of known values.</summary>
    private static void AddVocabularies(SampleFilter filter, ValidationErrors errors, Action<string, string, object> add)
    {
        var statuses = SplitList(filter.Status);
        errors.Check(statuses.All(SampleStatus.IsKnown), "status", $"status must be one or more of: {string.Join(", ", SampleStatus.All)}.");
        if (statuses.Length > 0)
        {
            add("s.status = ANY(@statuses)", "statuses", statuses);
        }
        var types = SplitList(filter.Type);
        errors.Check(types.All(SampleTypes.IsKnown), "type", $"type must be one or more of: {string.Join(", ", SampleTypes.All)}.");
        if (types.Length > 0)
        {
            add("s.sample_type = ANY(@types)", "types", types);
        }
    }

    /// <summary><c>q</c> (bounded, LIKE-escaped) and <c>projectCode</c>.</summary>
    private static void AddText(SampleFilter filter, ValidationErrors errors, Action<string, string, object> add)
    {
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var q = filter.Q.Trim();
            errors.Text("q", q, MaxQueryLength);
            // Same expression as the trigram index samples_search, so the index serves it.
            add("sample_search_text(s.barcode, s.name, s.project_code, s.metadata) ILIKE @q", "q", $"%{Like.Escape(q)}%");
        }
        if (filter.ProjectCode is not null)
        {
            errors.CheckProjectCode("projectCode", filter.ProjectCode);
            add("s.project_code = @projectCode", "projectCode", filter.ProjectCode);
        }
        errors.Check(filter.From is null || filter.To is null || filter.From < filter.To, "to", "to must be later than from.");
    }

    /// <summary>The submission, the location (and everything below it) and the creation time window.</summary>
    private static void AddScopes(SampleFilter filter, Action<string, string, object> add)
    {
        if (filter.SubmissionId is { } submissionId)
        {
            add("s.submission_id = @submissionId", "submissionId", submissionId);
        }
        if (filter.LocationId is { } locationId)
        {
            add("s.location_id IN (SELECT id FROM storage_location_subtree(@locationId))", "locationId", locationId);
        }
        if (filter.From is { } from)
        {
            add("s.created_at >= @from", "from", from.UtcDateTime);
        }
        if (filter.To is { } to)
        {
            add("s.created_at < @to", "to", to.UtcDateTime);
        }
    }

    /// <summary>A field, <c>-</c> first for descending; ties broken by id so pages never overlap.</summary>
    private static string OrderByOf(string? sortParameter, ValidationErrors errors)
    {
        var sort = string.IsNullOrWhiteSpace(sortParameter) ? "-createdAt" : sortParameter.Trim();
        var descending = sort.StartsWith('-');
        var field = sort.TrimStart('-', '+');
        errors.Check(SortColumns.ContainsKey(field), "sort", $"sort must be one of: {string.Join(", ", SortColumns.Keys)} (prefix - for descending).");
        var column = SortColumns.GetValueOrDefault(field, "s.created_at");
        var direction = descending ? "DESC" : "ASC";
        return $"{column} {direction} NULLS LAST, s.id {direction}";
    }

    /// <summary>Only the samples of the projects the caller sees (rule 1): lists, totals, stats and exports alike.</summary>
    public SampleQuery VisibleTo(ProjectAccess access)
    {
        if (access.VisibleProjectIds is not { } visible)
        {
            return this;
        }
        Parameters.Add("visibleProjects", visible);
        return this with { Where = $"s.project_id = ANY(@visibleProjects) AND ({Where})" };
    }

    private static string[] SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
