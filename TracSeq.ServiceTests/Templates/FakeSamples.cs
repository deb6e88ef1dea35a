using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceTests.Templates;

/// <summary>A sample as Templates sent it to Samples in a batch.</summary>
public sealed record SentSample(string Name, string SampleType, string? Barcode, decimal? Volume, decimal? Concentration,
    string? ProjectCode, DateTimeOffset? CollectedAt, string? Notes, JsonElement Metadata);

/// <summary>A batch as Templates sent it: the submission it commits, keyed by <c>Idempotency-Key</c>.</summary>
public sealed record SentBatch(Guid SubmissionId, Guid TemplateId, int TemplateVersion, IReadOnlyList<SentSample> Samples, string IdempotencyKey);

/// <summary>
/// Samples as Templates' HTTP clients see it, for the per-service tier: <c>/alive</c>, the signed internal batch
/// (<c>POST /internal/samples/batch</c>, one commit per idempotency key, replayed after) and the outbox's
/// <c>POST /internal/webhooks/events</c>, and a user's project memberships (<c>GET /internal/projects/access/{userId}</c>):
/// as in the whole-system suite's lab, every user is a member of the projects the sheets name
/// (<see cref="SheetProjects"/>) unless a test gives them others. It records what it was sent, so a test can say what
/// Templates asked Samples to create; what Samples then stores is the whole-system suite's to check.
/// </summary>
public sealed class FakeSamples
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, (SentBatch Batch, string Answer)> _batches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<(string Code, string Role)>> _memberships = new();
    private readonly ConcurrentDictionary<string, Guid> _projects = new(StringComparer.Ordinal);

    /// <summary>The project codes the tests' sheets name.</summary>
    public static readonly string[] SheetProjects = ["ABC-123", "ONC-123", "XL-001"];

    /// <summary>Gives <paramref name="userId"/> exactly these memberships (none: a user of no project).</summary>
    public void SetMemberships(Guid userId, params (string Code, string Role)[] memberships) => _memberships[userId] = memberships;

    public HttpMessageHandler CreateHandler() => new Handler(this);

    /// <summary>The samples Samples was asked to create for a submission (none if it was never asked).</summary>
    public IReadOnlyList<SentSample> SamplesOf(Guid submissionId) =>
        _batches.Values.Where(b => b.Batch.SubmissionId == submissionId).SelectMany(b => b.Batch.Samples).ToList();

    public SentBatch BatchOf(Guid submissionId) => _batches.Values.Single(b => b.Batch.SubmissionId == submissionId).Batch;

    private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path == "/alive")
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("Healthy") };
        }
        if (!path.StartsWith("/internal/", StringComparison.Ordinal)
            || (request.Method != HttpMethod.Post && !path.StartsWith(AccessPath, StringComparison.Ordinal)))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
        // Samples' /internal routes take only a signed caller; the signature itself is ServiceSignature's unit tests'.
        if (!request.Headers.Contains(ServiceSignature.HeaderName))
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }
        if (request.Method == HttpMethod.Get)
        {
            return Access(Guid.Parse(path[AccessPath.Length..]));
        }
        var body = await request.Content!.ReadAsStringAsync(ct);
        return path switch
        {
            "/internal/samples/batch" => Batch(body, request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null),
            "/internal/webhooks/events" => new HttpResponseMessage(HttpStatusCode.Accepted),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        };
    }

    private const string AccessPath = "/internal/projects/access/";

    private HttpResponseMessage Access(Guid userId)
    {
        var memberships = _memberships.GetValueOrDefault(userId) ?? [.. SheetProjects.Select(code => (code, "member"))];
        var answer = memberships.Select(m => new { projectId = _projects.GetOrAdd(m.Code, _ => Guid.NewGuid()), code = m.Code, role = m.Role });
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(answer, Json), Encoding.UTF8,
            "application/json") };
    }

    private HttpResponseMessage Batch(string body, string? idempotencyKey)
    {
        if (idempotencyKey is null)
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest);
        }
        var (_, answer) = _batches.GetOrAdd(idempotencyKey, key =>
        {
            var batch = JsonSerializer.Deserialize<SentBatch>(body, Json)! with { IdempotencyKey = key };
            var created = batch.Samples.Select((s, i) => new { id = Guid.NewGuid(), barcode = s.Barcode ?? $"FAKE-{i + 1:D5}" }).ToList();
            return (batch, JsonSerializer.Serialize(new
            {
                batch.SubmissionId, batch.TemplateId, batch.TemplateVersion, created = created.Count, samples = created,
            }, Json));
        });
        return new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
    }

    private sealed class Handler(FakeSamples samples) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            samples.AnswerAsync(request, cancellationToken);
    }
}
