using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>What Sequencing asked the fake Samples to record on a sample: a library made, or a status moved by a run.</summary>
public sealed record FakeSampleEvent(string Type, string? FromStatus, string? ToStatus, string Detail);

/// <summary>A sample as the fake Samples keeps it; <see cref="Events"/> are the audit entries Sequencing asked it to write.</summary>
public sealed class FakeSample(Guid id, string barcode, string name, string status, string? projectCode, Guid? projectId)
{
    public Guid Id { get; } = id;
    public string Barcode { get; } = barcode;
    public string Name { get; } = name;
    public string Status { get; set; } = status;
    public string? ProjectCode { get; } = projectCode;
    public Guid? ProjectId { get; } = projectId;
    public ConcurrentQueue<FakeSampleEvent> Events { get; } = new();
}

/// <summary>
/// Samples as Sequencing's HTTP clients see it, for the per-service tier: <c>/alive</c>; a sample read with the
/// caller's token (<c>GET /api/samples/{id}</c>, 404 to a non-staff user outside the sample's project, as Samples
/// answers); the signed <c>POST /internal/samples/{id}/events</c> (library made) and
/// <c>POST /internal/samples/run-status</c> (a run's samples moved all or none, by the lifecycle rule in Contracts,
/// replayed per idempotency key); the outbox's <c>POST /internal/webhooks/events</c>; and a user's memberships
/// (<c>GET /internal/projects/access/{userId}</c>): every user is a member of every project the fake knows unless a
/// test gives them others. Samples' own storage of these is the whole-system suite's to check.
/// </summary>
public sealed class FakeSamplesForSequencing
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string AccessPath = "/internal/projects/access/";
    private readonly ConcurrentDictionary<Guid, FakeSample> _samples = new();
    private readonly ConcurrentDictionary<string, Guid> _projects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<(string Code, string Role)>> _memberships = new();
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _runMoves = new(StringComparer.Ordinal);
    private int _serial;

    /// <summary>The project of this code, made on first use; true in <paramref name="added"/> when it is new.</summary>
    public Guid Project(string code, out bool added)
    {
        var made = false;
        var id = _projects.GetOrAdd(code, _ => { made = true; return Guid.NewGuid(); });
        added = made;
        return id;
    }

    public FakeSample AddSample(string status, string? projectCode, string? name = null)
    {
        var projectId = projectCode is null ? (Guid?)null : Project(projectCode, out _);
        var serial = Interlocked.Increment(ref _serial);
        var sample = new FakeSample(Guid.NewGuid(), $"TS-DNA-FAKE-{serial:D6}", name ?? $"Sample {serial}", status, projectCode, projectId);
        _samples[sample.Id] = sample;
        return sample;
    }

    public FakeSample Sample(Guid id) => _samples[id];

    /// <summary>Gives <paramref name="userId"/> exactly these memberships (none: a user of no project).</summary>
    public void SetMemberships(Guid userId, params (string Code, string Role)[] memberships) => _memberships[userId] = memberships;

    public HttpMessageHandler CreateHandler() => new Handler(this);

    private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path == "/alive")
        {
            return Text(HttpStatusCode.OK, "Healthy", "text/plain");
        }
        if (request.Method == HttpMethod.Get && path.StartsWith("/api/samples/", StringComparison.Ordinal))
        {
            return Read(Guid.TryParse(path["/api/samples/".Length..], out var id) ? id : Guid.Empty, request);
        }
        if (!path.StartsWith("/internal/", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
        // Samples' /internal routes take only a signed caller; the signature itself is ServiceSignature's unit tests'.
        if (!request.Headers.Contains(ServiceSignature.HeaderName))
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }
        if (request.Method == HttpMethod.Get && path.StartsWith(AccessPath, StringComparison.Ordinal))
        {
            return Access(Guid.Parse(path[AccessPath.Length..]));
        }
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        if (path == "/internal/samples/run-status")
        {
            var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : "";
            var (status, answer) = _runMoves.GetOrAdd(key, _ => MoveForRun(body));
            return Text((HttpStatusCode)status, answer, status == 200 ? "application/json" : "application/problem+json");
        }
        if (path.EndsWith("/events", StringComparison.Ordinal) && path.StartsWith("/internal/samples/", StringComparison.Ordinal))
        {
            var id = Guid.Parse(path["/internal/samples/".Length..^"/events".Length]);
            if (!_samples.TryGetValue(id, out var sample))
            {
                return Text(HttpStatusCode.NotFound, "{}", "application/problem+json");
            }
            sample.Events.Enqueue(new FakeSampleEvent("library_created", null, null, body));
            return Text(HttpStatusCode.Created, body, "application/json");
        }
        return path == "/internal/webhooks/events" ? new HttpResponseMessage(HttpStatusCode.Accepted) : new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private HttpResponseMessage Read(Guid id, HttpRequestMessage request)
    {
        var token = new JsonWebToken(request.Headers.Authorization?.Parameter ?? throw new InvalidOperationException("Sequencing sent no token."));
        var user = Guid.Parse(token.GetClaim("sub").Value);
        var role = token.GetClaim("role").Value;
        if (!_samples.TryGetValue(id, out var sample)
            || (!FacilityStaff.IsStaffRole(role) && !(sample.ProjectCode is { } code && MembershipsOf(user).Any(m => m.Code == code))))
        {
            return Text(HttpStatusCode.NotFound, "{}", "application/problem+json");
        }
        return Text(HttpStatusCode.OK, JsonSerializer.Serialize(new
        {
            sample.Id, sample.Barcode, sample.Name, sample.Status, sample.ProjectCode, sample.ProjectId,
        }, Json), "application/json");
    }

    private (int, string) MoveForRun(string body)
    {
        using var request = JsonDocument.Parse(body);
        var to = request.RootElement.GetProperty("to").GetString()!;
        var ids = request.RootElement.GetProperty("sampleIds").EnumerateArray().Select(e => e.GetGuid()).Distinct().ToList();
        var missing = ids.Where(id => !_samples.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            return (404, JsonSerializer.Serialize(new { status = 404, missing }, Json));
        }
        lock (_samples)
        {
            var samples = ids.Select(id => _samples[id]).ToList();
            // As Samples' run move: a completed sample is already where a start or a failure would take it.
            var moving = samples.Where(s => !(s.Status == to || (s.Status == "completed" && to is "in_sequencing" or "failed"))).ToList();
            var refused = moving.Where(s => !SampleLifecycle.CanMove(s.Status, to)).ToList();
            if (refused.Count > 0)
            {
                return (409, JsonSerializer.Serialize(new { status = 409, to, refused = refused.Select(s => new { s.Id, s.Barcode, from = s.Status }) }, Json));
            }
            foreach (var sample in moving)
            {
                sample.Events.Enqueue(new FakeSampleEvent("status_changed", sample.Status, to, body));
                sample.Status = to;
            }
            return (200, JsonSerializer.Serialize(new { moved = moving.Count, alreadyThere = samples.Count - moving.Count }, Json));
        }
    }

    private IReadOnlyList<(string Code, string Role)> MembershipsOf(Guid userId) =>
        _memberships.GetValueOrDefault(userId) ?? [.. _projects.Keys.Select(code => (code, "member"))];

    private HttpResponseMessage Access(Guid userId)
    {
        var answer = MembershipsOf(userId).Select(m => new { projectId = Project(m.Code, out _), code = m.Code, role = m.Role });
        return Text(HttpStatusCode.OK, JsonSerializer.Serialize(answer, Json), "application/json");
    }

    private static HttpResponseMessage Text(HttpStatusCode status, string body, string mediaType) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private sealed class Handler(FakeSamplesForSequencing samples) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            samples.AnswerAsync(request, cancellationToken);
    }
}
