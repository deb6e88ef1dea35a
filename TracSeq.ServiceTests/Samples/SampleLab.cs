using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>A signed-in user of the lab: their access token and who they are.</summary>
public sealed record LabSession(string AccessToken, TestIdentity User);

public sealed record LocationRef(Guid Id, string Barcode, string Name, string Kind, string? Position, string Path);

public sealed record SampleInfo(
    Guid Id, string Barcode, string Name, string SampleType, string Status, string? ProjectCode,
    Guid? SubmissionId, Guid? TemplateId, int? TemplateVersion, decimal? Volume, decimal? Concentration, decimal? QualityScore,
    DateTime? CollectedAt, DateTime? ReceivedAt, string? Notes, JsonElement Metadata, LocationRef? Location,
    Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, int Version);

public sealed record Occupancy(long Capacity, long Occupied, long Free, long Samples);

public sealed record LocationInfo(
    Guid Id, string Name, string Barcode, string Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns,
    string Path, Occupancy Occupancy);

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

public sealed record ProjectInfo(Guid Id, string Code, string Name, string? Description, string? CostCode, bool Archived, string? MyRole, long SampleCount);

public sealed record EventActor(Guid Id, string? Email, string? Name);

public sealed record SampleEvent(
    long Id, string Type, DateTime At, EventActor Actor, string? FromStatus, string? ToStatus,
    JsonElement Changes, string? Reason, JsonElement? Location, string? TraceId)
{
    public IReadOnlyList<string> ChangedFields => [.. Changes.EnumerateArray().Select(c => c.GetProperty("field").GetString()!)];

    public JsonElement Change(string field) => Changes.EnumerateArray().Single(c => c.GetProperty("field").GetString() == field);
}

/// <summary>
/// What the sample tests share: one signed-in user per role (made once per test run and reused, since creating and
/// signing in users costs password hashing), and short ways to arrange samples and storage the way a lab would.
/// In the per-service tier, requests go straight to Samples, with tokens of the <see cref="TestTokenIssuer"/> (one user per role).
/// <para>
/// Every sample belongs to a project, and only members (and facility staff) see it. So that tests about other things
/// need not say so, every project a test names through this lab is created (as a lab administrator) with the lab's
/// non-staff users (guest, data_analyst, research_scientist, principal_investigator) as members, and a sample or batch
/// row that names no project goes to <see cref="DefaultProject"/>. Tests of the project rules make their own users.
/// </para>
/// </summary>
public sealed partial class SampleLab(SamplesService fixture)
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Z0-9][A-Z0-9-]{1,19}\z")]
    private static partial System.Text.RegularExpressions.Regex NewProjectCode();

    public static readonly string[] Roles =
        ["guest", "data_analyst", "research_scientist", "lab_technician", "principal_investigator", "lab_administrator"];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly ConcurrentDictionary<(SamplesService, string), Lazy<Task<Guid>>> Projects = new();

    /// <summary>Where the lab's samples go when a test names no project.</summary>
    public const string DefaultProject = "TESTLAB";

    /// <summary>The lab's users who see only their projects' samples; they are members of every project the lab makes.</summary>
    public static readonly string[] MemberRoles = ["guest", "data_analyst", "research_scientist", "principal_investigator"];

    public SamplesService Fixture => fixture;

    /// <summary>The lab's user of <paramref name="role"/> with a fresh access token (a member of the default project).</summary>
    public async Task<LabSession> SessionAsync(string role)
    {
        var user = await UserAsync(role);
        if (MemberRoles.Contains(role))
        {
            await ProjectAsync(DefaultProject); // where their samples go when a test names no project
        }
        return new LabSession(fixture.Tokens.TokenFor(user), user);
    }

    /// <summary>
    /// A client signed in as the lab's user of <paramref name="role"/>. A sample it registers (or a batch row it sends)
    /// without a <c>projectCode</c> goes to <see cref="DefaultProject"/>, whose members all the lab's users are: tests
    /// written before projects existed keep registering as a scientist and reading as a guest. Dispose it.
    /// </summary>
    /// <remarks><paramref name="resource"/> is where the whole-system suite sends it; here every request goes to Samples.</remarks>
    public async Task<HttpClient> AsAsync(string role, string resource = "samples")
    {
        _ = resource;
        var token = (await SessionAsync(role)).AccessToken;
        await ProjectAsync(DefaultProject);
        return OutsideClient.Create(fixture.Address, token, new DefaultProjectHandler(this));
    }

    /// <summary>Fills in <see cref="DefaultProject"/> where a new sample or batch row names no project (the key absent),
    /// and makes the projects they name (well-formed codes only: a malformed one is what a test sends on purpose).</summary>
    private sealed class DefaultProjectHandler(SampleLab lab) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri?.AbsolutePath ?? "";
            if (request.Method == HttpMethod.Post && request.Content is { } content
                && content.Headers.ContentType?.MediaType == "application/json"
                && path is "/api/samples" or "/api/samples/" or "/internal/samples/batch")
            {
                var text = await content.ReadAsStringAsync(cancellationToken);
                JsonNode? body = null;
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    // malformed on purpose: sent as it is
                }
                var samples = body is JsonObject o && path.StartsWith("/internal", StringComparison.Ordinal)
                    ? (o["samples"] as JsonArray)?.OfType<JsonObject>() ?? []
                    : body is JsonObject one ? [one] : [];
                var filled = false;
                foreach (var sample in samples)
                {
                    if (!sample.ContainsKey("projectCode"))
                    {
                        sample["projectCode"] = DefaultProject;
                        filled = true;
                    }
                    else if (sample["projectCode"] is JsonValue code && code.GetValueKind() == JsonValueKind.String
                             && NewProjectCode().IsMatch(code.GetValue<string>()))
                    {
                        await lab.ProjectAsync(code.GetValue<string>());
                    }
                }
                if (filled)
                {
                    request.Content = new StringContent(body!.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
                    if (request.Headers.Contains(ServiceIdentityHeader.Name))
                    {
                        await ServiceIdentityHeader.SignAsync(request); // the signature covers the body
                    }
                }
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }

    public Task<HttpClient> TechnicianAsync() => AsAsync("lab_technician");

    public Task<HttpClient> AdminAsync() => AsAsync("lab_administrator");

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)].ToUpperInvariant();

    public async Task<SampleInfo> CreateSampleAsync(object? body = null, HttpClient? client = null)
    {
        using var own = client is null ? await AsAsync("research_scientist") : null;
        var sample = await WithProjectAsync(JsonSerializer.SerializeToNode(body ?? new { name = "Liver biopsy", sampleType = "dna" }, Json)!.AsObject());
        using var response = await (client ?? own!).PostAsJsonAsync("/api/samples", sample);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SampleInfo>(Json))!;
    }

    public async Task<SampleInfo> GetSampleAsync(Guid id)
    {
        using var client = await AsAsync("guest");
        return (await client.GetFromJsonAsync<SampleInfo>($"/api/samples/{id}", Json))!;
    }

    /// <summary>Moves a sample along the given statuses as a technician (an administrator for discarding).</summary>
    public async Task<SampleInfo> MoveAsync(Guid id, params string[] statuses)
    {
        SampleInfo? sample = null;
        foreach (var to in statuses)
        {
            using var client = to == "discarded" ? await AdminAsync() : await TechnicianAsync();
            using var response = await client.PostAsJsonAsync($"/api/samples/{id}/status", new { to, reason = $"test move to {to}" });
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            sample = await response.Content.ReadFromJsonAsync<SampleInfo>(Json);
        }
        return sample ?? await GetSampleAsync(id);
    }

    /// <summary>The statuses that take a new (pending) sample to <paramref name="status"/> by allowed moves.</summary>
    public static string[] PathTo(string status) => status switch
    {
        "pending" => [],
        "received" => ["received"],
        "validated" => ["received", "validated"],
        "in_storage" => ["received", "validated", "in_storage"],
        "in_sequencing" => ["received", "validated", "in_sequencing"],
        "completed" => ["received", "validated", "in_sequencing", "completed"],
        "archived" => ["received", "validated", "in_sequencing", "completed", "archived"],
        "rejected" => ["rejected"],
        "failed" => ["received", "validated", "failed"],
        "discarded" => ["discarded"],
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Creates <paramref name="count"/> samples through the internal batch (as Templates would) and returns their ids.</summary>
    public async Task<IReadOnlyList<Guid>> CreateBatchAsync(int count, string? projectCode = null, string sampleType = "rna")
    {
        var submissionId = Guid.NewGuid();
        using var response = await PostBatchAsync("research_scientist", submissionId, BatchBody(submissionId, count, projectCode, sampleType));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("id").GetGuid())];
    }

    public static object BatchBody(Guid submissionId, int count, string? projectCode = null, string sampleType = "rna") => new
    {
        submissionId,
        templateId = Guid.Parse("5a3f6c1e-0000-4000-8000-000000000001"),
        templateVersion = 2,
        samples = Enumerable.Range(1, count).Select(i => new
        {
            name = $"Row {i}",
            sampleType,
            projectCode = projectCode ?? DefaultProject, // the lab's users are members of it (made when they sign in)
            volume = 10.5m + i,
            metadata = new { donor = $"D-{i:D4}", plate = "P1" },
        }).ToList(),
    };

    public async Task<HttpResponseMessage> PostBatchAsync(string role, Guid submissionId, object body, string? idempotencyKey = null)
    {
        var batch = JsonSerializer.SerializeToNode(body, Json)!.AsObject();
        if (batch["samples"] is JsonArray rows)
        {
            foreach (var row in rows.OfType<JsonObject>())
            {
                await WithProjectAsync(row);
            }
            body = batch;
        }
        using var client = await AsAsync(role, "samples");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? submissionId.ToString());
        await ServiceIdentityHeader.SignAsync(request);
        return await client.SendAsync(request);
    }

    /// <summary>Moves many samples at once as an administrator (arranging tests, not testing bulk moves).</summary>
    public async Task BulkMoveAsync(IReadOnlyList<Guid> ids, params string[] statuses)
    {
        using var client = await AdminAsync();
        foreach (var to in statuses)
        {
            using var response = await client.PostAsJsonAsync("/api/samples/bulk/status", new { ids, to, reason = "arranging a test" });
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    public async Task<LocationInfo> CreateLocationAsync(object body)
    {
        using var client = await TechnicianAsync();
        using var response = await client.PostAsJsonAsync("/api/storage/locations", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<LocationInfo>(Json))!;
    }

    /// <summary>Room → freezer → rack → box (rows × columns), named uniquely; returns the box.</summary>
    public async Task<LocationInfo> CreateBoxAsync(int rows = 8, int columns = 12)
    {
        var room = await CreateLocationAsync(new { name = Unique("Room"), kind = "room" });
        var freezer = await CreateLocationAsync(new { name = "Freezer A", kind = "freezer", temperature = -80, parentId = room.Id });
        var rack = await CreateLocationAsync(new { name = "Rack 2", kind = "rack", parentId = freezer.Id });
        return await CreateLocationAsync(new { name = "Box 7", kind = "box", parentId = rack.Id, rows, columns, barcode = Unique("BOX") });
    }

    /// <summary>A sample that is validated, ready to be stored.</summary>
    public async Task<SampleInfo> ValidatedSampleAsync(object? body = null)
    {
        var sample = await CreateSampleAsync(body);
        return await MoveAsync(sample.Id, "received", "validated");
    }

    public async Task<HttpResponseMessage> PlaceAsync(Guid sampleId, Guid locationId, string? position)
    {
        using var client = await TechnicianAsync();
        return await client.PutAsJsonAsync($"/api/samples/{sampleId}/location", new { locationId, position });
    }

    public static async Task<IReadOnlyList<SampleEvent>> EventsAsyncAs(HttpClient client, Guid sampleId) =>
        (await client.GetFromJsonAsync<PageOf<SampleEvent>>($"/api/samples/{sampleId}/events?pageSize=500", Json))!.Items;

    public async Task<IReadOnlyList<SampleEvent>> EventsAsync(Guid sampleId)
    {
        using var client = await AsAsync("guest");
        return (await client.GetFromJsonAsync<PageOf<SampleEvent>>($"/api/samples/{sampleId}/events?pageSize=500", Json))!.Items;
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<IReadOnlyList<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name)];
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.Clone();
    }

    /// <summary>The lab's account of <paramref name="role"/>: one per run, so its project memberships last.</summary>
    public Task<TestIdentity> UserAsync(string role) => Task.FromResult(fixture.Tokens.User(role));

    /// <summary>The project of this code, made once per run (by a lab administrator) with the lab's non-staff users as members.</summary>
    public Task<Guid> ProjectAsync(string code) =>
        Projects.GetOrAdd((fixture, code), _ => new Lazy<Task<Guid>>(() => CreateProjectAsync(code))).Value;

    /// <summary>A sample (or batch row) as sent: its project made, or <see cref="DefaultProject"/> when it names none.</summary>
    private async Task<JsonObject> WithProjectAsync(JsonObject sample)
    {
        if (sample["projectCode"] is not JsonValue code || code.GetValueKind() != JsonValueKind.String)
        {
            sample["projectCode"] = DefaultProject;
        }
        var named = sample["projectCode"]!.GetValue<string>();
        if (NewProjectCode().IsMatch(named)) // a malformed code is the test's point: it must reach the service as sent
        {
            await ProjectAsync(named);
        }
        return sample;
    }

    private async Task<Guid> CreateProjectAsync(string code)
    {
        // A plain client: AdminAsync would wait for the default project this may be making.
        using var admin = fixture.CreateClient(fixture.Tokens.TokenFor("lab_administrator"));
        Guid id;
        using (var created = await admin.PostAsJsonAsync("/api/projects", new { code, name = $"Test project {code}" }))
        {
            if (created.StatusCode == HttpStatusCode.Conflict) // made by an earlier run of this fixture's database
            {
                var found = (await admin.GetFromJsonAsync<PageOf<ProjectInfo>>($"/api/projects?q={Uri.EscapeDataString(code)}&pageSize=500", Json))!;
                id = found.Items.Single(p => p.Code == code).Id;
            }
            else
            {
                created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
                id = (await created.Content.ReadFromJsonAsync<ProjectInfo>(Json))!.Id;
            }
        }
        foreach (var role in MemberRoles)
        {
            var user = await UserAsync(role);
            using var added = await admin.PutAsJsonAsync($"/api/projects/{id}/members/{user.Id}", new { role = "member" });
            added.IsSuccessStatusCode.ShouldBeTrue(await added.Content.ReadAsStringAsync());
        }
        return id;
    }
}

public static class HttpClientExtensions
{
    public static void IfMatch(this HttpRequestMessage request, string etag) =>
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
}
