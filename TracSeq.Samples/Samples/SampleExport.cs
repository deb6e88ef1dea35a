using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Npgsql;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Samples.Projects;

namespace TracSeq.Samples.Samples;

/// <summary>
/// <c>GET /api/samples/export?format=csv&amp;…filters</c>: every matching sample as CSV, streamed row by row from a
/// PostgreSQL reader to the response, so memory stays flat whether it is ten samples or a million. How many run at once
/// and for how long is bounded (<see cref="ExportSlots"/>).
/// </summary>
public static class SampleExport
{
    private const int FlushEveryRows = 1000;

    private static readonly string[] Header =
    [
        "id", "barcode", "name", "sampleType", "status", "projectCode", "submissionId", "templateId", "templateVersion",
        "volume", "concentration", "qualityScore", "collectedAt", "receivedAt", "locationBarcode", "position",
        "locationPath", "notes", "metadata", "createdBy", "createdAt", "updatedAt",
    ];

    // Paths for the whole tree computed once (not per row), joined to the samples.
    private const string Select = """
        WITH RECURSIVE paths AS (
            SELECT id, name::text AS path FROM storage_locations WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, p.path || ' > ' || c.name FROM storage_locations c JOIN paths p ON c.parent_id = p.id
        )
        SELECT s.id, s.barcode, s.name, s.sample_type, s.status, s.project_code, s.submission_id, s.template_id,
               s.template_version, s.volume, s.concentration, s.quality_score, s.collected_at, s.received_at,
               l.barcode, s.position, p.path, s.notes, s.metadata::text, s.created_by, s.created_at, s.updated_at
        FROM samples s LEFT JOIN storage_locations l ON l.id = s.location_id LEFT JOIN paths p ON p.id = s.location_id
        """;

    /// <summary>Export samples as CSV</summary>
    /// <remarks>Any signed-in user, over the samples of your projects (facility staff: all). The same filters as the search
    /// (<c>format=csv</c>, the only format); every matching sample, one row each, streamed.</remarks>
    /// <response code="200">A UTF-8 CSV file.</response>
    /// <response code="400">An unknown format or a malformed filter.</response>
    /// <response code="404">projectCode names no project you can see.</response>
    /// <response code="429">Too many exports of this user at once (<c>Retry-After</c>).</response>
    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> ExportAsync(
        [AsParameters] SampleFilter filter, string? format, NpgsqlDataSource db, TimeProvider clock, ExportSlots slots,
        ClaimsPrincipal user, HttpContext http, ProjectAccessResolver projects, AuthorizationDenials denials)
    {
        var errors = new ValidationErrors().Check(format is null or "csv", "format", "format must be csv.");
        var query = SampleQuery.From(filter, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var access = await projects.ForAsync(user, http.RequestAborted);
        query = query.VisibleTo(access);
        if (await ProjectRefusalAsync(db, access, filter.ProjectCode, denials, http.RequestAborted) is { } unknown)
        {
            return unknown;
        }
        if (TakeSlot(slots, user.GetUserId(), http) is { } busy)
        {
            return busy;
        }
        var ct = Deadline(http, slots.MaxDuration);
        // The query runs before the answer starts, so a database that is down is still a clean 503.
        var reader = await OpenReaderAsync(db, query, http, ct);

        var fileName = string.Create(CultureInfo.InvariantCulture, $"samples-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv");
        return TypedResults.Stream(async body =>
        {
            try
            {
                await WriteAsync(body, reader, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                http.Abort(); // past the deadline (or the client left): the answer is cut, not completed as if whole
            }
        }, "text/csv; charset=utf-8", fileName);
    }

    /// <summary>A filter naming a project: 404 naming the code when it is unknown or not the caller's to see.</summary>
    private static async Task<ProblemHttpResult?> ProjectRefusalAsync(
        NpgsqlDataSource db, ProjectAccess access, string? projectCode, AuthorizationDenials denials, CancellationToken ct)
    {
        if (projectCode is null)
        {
            return null;
        }
        await using var lookup = await db.OpenConnectionAsync(ct);
        return await SampleProjects.FilterRefusalAsync(lookup, access, projectCode, denials);
    }

    /// <summary>However slowly the client reads, the export (and the connection it holds) ends after <paramref name="max"/>.</summary>
    private static CancellationToken Deadline(HttpContext http, TimeSpan max)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(max);
        http.Response.RegisterForDispose(deadline);
        return deadline.Token;
    }

    /// <summary>One of the bounded export slots, released with the response; 429 or 503 when none is free.</summary>
    private static ProblemHttpResult? TakeSlot(ExportSlots slots, Guid userId, HttpContext http)
    {
        switch (slots.TryTake(userId))
        {
            case ExportSlots.Refusal.UserBusy:
                return Busy(http, StatusCodes.Status429TooManyRequests,
                    string.Create(CultureInfo.InvariantCulture, $"You already have {slots.PerUser} exports running; wait for one to finish."));
            case ExportSlots.Refusal.ServiceBusy:
                return Busy(http, StatusCodes.Status503ServiceUnavailable, "Too many exports are running; try again shortly.");
        }
        http.Response.RegisterForDispose(new SlotRelease(slots, userId));
        return null;
    }

    /// <summary>The export's reader, disposed with the response (its connection with it).</summary>
    private static async Task<NpgsqlDataReader> OpenReaderAsync(NpgsqlDataSource db, SampleQuery query, HttpContext http, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        http.Response.RegisterForDisposeAsync(connection);
        var command = new NpgsqlCommand($"{Select} WHERE {query.Where} ORDER BY {query.OrderBy}", connection);
        http.Response.RegisterForDisposeAsync(command);
        foreach (var name in query.Parameters.ParameterNames)
        {
            command.Parameters.AddWithValue(name, query.Parameters.Get<object>(name));
        }
        var reader = await command.ExecuteReaderAsync(ct);
        http.Response.RegisterForDisposeAsync(reader);
        return reader;
    }

    private static async Task WriteAsync(Stream body, NpgsqlDataReader reader, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        await writer.WriteAsync(string.Join(',', Header) + "\r\n");
        var rows = 0;
        var line = new StringBuilder(512);
        while (await reader.ReadAsync(ct))
        {
            line.Clear();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }
                AppendField(line, reader.IsDBNull(i) ? null : reader.GetValue(i), Header[i]);
            }
            line.Append("\r\n");
            await writer.WriteAsync(line, ct);
            if (++rows % FlushEveryRows == 0)
            {
                await writer.FlushAsync(ct);
            }
        }
    }

    private static ProblemHttpResult Busy(HttpContext http, int status, string title)
    {
        http.Response.Headers.RetryAfter = "10";
        return TypedResults.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = 10 });
    }

    private sealed class SlotRelease(ExportSlots slots, Guid user) : IDisposable
    {
        public void Dispose() => slots.Release(user);
    }

    private static void AppendField(StringBuilder line, object? value, string column)
    {
        var text = value switch
        {
            null => "",
            DateTime time => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        // Free text opened in a spreadsheet must not run as a formula (CSV injection): prefix a quote, as OWASP advises.
        if (column is "name" or "notes" or "locationPath" && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(text);
        }
    }
}
