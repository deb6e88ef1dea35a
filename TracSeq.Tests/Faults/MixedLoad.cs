using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Tests.Samples;
using TracSeq.Tests.Templates;

namespace TracSeq.Tests.Faults;

public enum Operation { Create, Read, Move, Submit }

/// <summary>One request of the load: what, when (since the load started), how long, and the answer or the error.</summary>
public sealed record Attempt(Operation Operation, TimeSpan At, TimeSpan Took, int? Status, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>No HTTP answer: the connection was refused or reset, or the client gave up waiting.</summary>
    public bool Dropped => Status is null;

    /// <summary>An upload's 409: the same upload is still being processed (an earlier attempt whose answer was lost);
    /// the contract says to ask again in a moment.</summary>
    public bool StillProcessing => Operation == Operation.Submit && Status == 409;
}

/// <summary>A create the client saw answered 201, with every id it was given for its key (retries included).</summary>
public sealed record AcknowledgedCreate(string Key, string Name, Guid Id);

public sealed record AcknowledgedSubmission(string Key, string BarcodePrefix, Guid SubmissionId, IReadOnlyList<Guid> SampleIds);

public sealed record AcknowledgedMove(Guid SampleId, string To);

/// <summary>
/// A steady mixed load through the gateway, as a lab's scripts and users make it: research scientists registering
/// samples one by one (each with an Idempotency-Key, retried with the same key until it is answered), a technician
/// moving them along (received, validated), readers opening them, and 100-row CSV submissions (also keyed and retried).
/// Everything a client was told is kept, so a test can check it against the database afterwards.
/// </summary>
public sealed class MixedLoad : IAsyncDisposable
{
    /// <summary>A request that takes longer than this is a hung dependency, not the fast 503 the contract promises.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>After the load stops, how long clients still retry what they had started (with the same key).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);
    private const int SubmissionRows = 100;

    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentQueue<AcknowledgedCreate> _creates = new();
    private readonly ConcurrentQueue<AcknowledgedSubmission> _submissions = new();
    private readonly ConcurrentQueue<AcknowledgedMove> _moves = new();
    private readonly ConcurrentQueue<string> _triedNames = new();
    private readonly ConcurrentQueue<string> _triedPrefixes = new();
    private readonly ConcurrentQueue<Guid> _toMove = new();
    private readonly List<Guid> _known = []; // samples to read; guarded by itself
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _drain = new();
    private readonly Stopwatch _clock = new();
    private readonly List<HttpClient> _clients = [];
    private readonly List<Task> _workers = [];

    private MixedLoad()
    {
    }

    public IReadOnlyList<Attempt> Attempts => [.. _attempts];
    public IReadOnlyList<AcknowledgedCreate> Creates => [.. _creates];
    public IReadOnlyList<AcknowledgedSubmission> Submissions => [.. _submissions];
    public IReadOnlyList<AcknowledgedMove> Moves => [.. _moves];

    /// <summary>Every name a create was tried with, answered or not: each may exist at most once.</summary>
    public IReadOnlyList<string> TriedNames => [.. _triedNames];

    /// <summary>Every barcode prefix a submission was tried with: each has 0 or all 100 of its samples.</summary>
    public IReadOnlyList<string> TriedPrefixes => [.. _triedPrefixes];

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Starts the workers; clients are signed in first, so the faults hit the work, not the sign-in.</summary>
    public static async Task<MixedLoad> StartAsync(TemplateLab lab, Uri gateway)
    {
        var template = await lab.CreateTemplateAsync();
        foreach (var code in TemplateLab.SheetProjects) // the projects the load's sheets name, the scientist a member
        {
            await lab.Samples.ProjectAsync(code);
        }
        var load = new MixedLoad();
        var scientist = load.Client(gateway, (await lab.Samples.SessionAsync("research_scientist")).AccessToken);
        var technician = load.Client(gateway, (await lab.Samples.SessionAsync("lab_technician")).AccessToken);
        var guest = load.Client(gateway, (await lab.Samples.SessionAsync("guest")).AccessToken);
        load._clock.Start();
        load._workers.AddRange(
        [
            Task.Run(() => load.CreateLoopAsync(scientist)),
            Task.Run(() => load.CreateLoopAsync(scientist)),
            Task.Run(() => load.ReadLoopAsync(guest)),
            Task.Run(() => load.ReadLoopAsync(guest)),
            Task.Run(() => load.MoveLoopAsync(technician)),
            Task.Run(() => load.SubmitLoopAsync(scientist, template.Id)),
        ]);
        return load;
    }

    /// <summary>Stops starting new work, lets started creates and submissions finish their retries, and waits.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _drain.CancelAfter(DrainTimeout);
        await Task.WhenAll(_workers);
        _clock.Stop();
    }

    /// <summary>Waits until every kind of request has succeeded at least once after <paramref name="since"/>.</summary>
    public async Task<TimeSpan> WaitForRecoveryAsync(TimeSpan since, TimeSpan timeout)
    {
        var deadline = Now + timeout;
        while (Now < deadline)
        {
            var recovered = Enum.GetValues<Operation>().Select(op => FirstSuccess(op, since)).ToList();
            if (recovered.All(r => r is not null))
            {
                return recovered.Max(r => r!.Value) - since;
            }
            await Task.Delay(100);
        }
        var missing = Enum.GetValues<Operation>().Where(op => FirstSuccess(op, since) is null);
        throw new TimeoutException($"No success of {string.Join(", ", missing)} within {timeout} of the repair.");
    }

    private TimeSpan? FirstSuccess(Operation op, TimeSpan since) =>
        _attempts.Where(a => a.Operation == op && a.At >= since && a.Succeeded).Select(a => (TimeSpan?)(a.At + a.Took)).Min();

    private HttpClient Client(Uri gateway, string accessToken)
    {
        // A plain client (no resilience handler): every failure the system gives is seen and counted here.
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = gateway,
            Timeout = RequestTimeout,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        _clients.Add(client);
        return client;
    }

    private async Task CreateLoopAsync(HttpClient client)
    {
        while (!_stop.IsCancellationRequested)
        {
            var key = $"fault-{Guid.NewGuid():N}";
            var name = $"Fault load {key}";
            _triedNames.Enqueue(name);
            var body = new { name, sampleType = "dna", volume = 20, notes = "fault suite", projectCode = SampleLab.DefaultProject };
            var answer = await UntilAnsweredAsync(Operation.Create, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/samples") { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", key);
                return client.SendAsync(request, CancellationToken.None);
            });
            if (answer?.RootElement.GetProperty("id").GetGuid() is { } id)
            {
                _creates.Enqueue(new AcknowledgedCreate(key, name, id));
                Remember(id);
                _toMove.Enqueue(id);
            }
        }
    }

    private async Task SubmitLoopAsync(HttpClient client, Guid templateId)
    {
        while (!_stop.IsCancellationRequested)
        {
            var key = $"fault-upload-{Guid.NewGuid():N}";
            var prefix = SampleLab.Unique("FLT");
            _triedPrefixes.Enqueue(prefix);
            var sheet = TemplateLab.Csv(Enumerable.Range(1, SubmissionRows).Select(i => TemplateLab.GoodRow(i, prefix)));
            var answer = await UntilAnsweredAsync(Operation.Submit, () =>
            {
                var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(sheet);
                file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                form.Add(file, "file", "plate.csv");
                form.Add(new StringContent(templateId.ToString()), "templateId");
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/submissions") { Content = form };
                request.Headers.Add("Idempotency-Key", key);
                return client.SendAsync(request, CancellationToken.None);
            });
            if (answer is not null)
            {
                var report = answer.RootElement.Deserialize<SubmissionReport>(TemplateLab.Json)!;
                _submissions.Enqueue(new AcknowledgedSubmission(key, prefix, report.SubmissionId, report.SampleIds));
                foreach (var id in report.SampleIds.Take(5))
                {
                    Remember(id);
                }
            }
        }
    }

    private async Task ReadLoopAsync(HttpClient client)
    {
        while (!_stop.IsCancellationRequested)
        {
            var path = Known() is { } id ? $"/api/samples/{id}" : "/api/samples?pageSize=10";
            await SendOnceAsync(Operation.Read, () => client.GetAsync(path, CancellationToken.None));
            await Task.Delay(20);
        }
    }

    private void Remember(Guid id)
    {
        lock (_known)
        {
            _known.Add(id);
        }
    }

    private Guid? Known()
    {
        lock (_known)
        {
            return _known.Count == 0 ? null : _known[Random.Shared.Next(_known.Count)];
        }
    }

    /// <summary>
    /// Takes each registered sample to received, then validated. A move is not retried: without a key a lost answer
    /// leaves the client unsure whether it happened, so the sample leaves the queue and only answered moves count.
    /// </summary>
    private async Task MoveLoopAsync(HttpClient client)
    {
        var received = new ConcurrentQueue<Guid>();
        while (!_stop.IsCancellationRequested)
        {
            var (id, to) = received.TryDequeue(out var next) ? (next, "validated")
                : _toMove.TryDequeue(out var fresh) ? (fresh, "received")
                : (Guid.Empty, "");
            if (id == Guid.Empty)
            {
                await Task.Delay(50);
                continue;
            }
            var status = await SendOnceAsync(Operation.Move, () =>
                client.PostAsJsonAsync($"/api/samples/{id}/status", new { to, reason = "fault suite" }, CancellationToken.None));
            if (status == HttpStatusCode.OK)
            {
                _moves.Enqueue(new AcknowledgedMove(id, to));
                if (to == "received")
                {
                    received.Enqueue(id);
                }
            }
        }
    }

    /// <summary>
    /// Sends until the request is answered with a success or a final refusal, retrying with the same request (and so
    /// the same Idempotency-Key) after a 503, a gateway error or a dropped connection, as a careful client does.
    /// </summary>
    private async Task<JsonDocument?> UntilAnsweredAsync(Operation operation, Func<Task<HttpResponseMessage>> send)
    {
        while (!_drain.IsCancellationRequested)
        {
            var (attempt, body) = await SendAsync(operation, send);
            if (attempt.Succeeded)
            {
                return JsonDocument.Parse(body!);
            }
            if (attempt.Status is not (null or 502 or 503 or 504) && !attempt.StillProcessing)
            {
                return null; // a refusal (4xx) or a 500: retrying would not help; the test reads it from the attempts
            }
            await Task.Delay(RetryPause);
        }
        return null;
    }

    private async Task<HttpStatusCode?> SendOnceAsync(Operation operation, Func<Task<HttpResponseMessage>> send)
    {
        var (attempt, _) = await SendAsync(operation, send);
        if (attempt.Status is null or 503)
        {
            await Task.Delay(RetryPause); // a client backs off from an unavailable system instead of spinning on it
        }
        return (HttpStatusCode?)attempt.Status;
    }

    private async Task<(Attempt Attempt, string? Body)> SendAsync(Operation operation, Func<Task<HttpResponseMessage>> send)
    {
        var at = Now;
        Attempt attempt;
        string? body = null;
        try
        {
            using var response = await send();
            body = await response.Content.ReadAsStringAsync();
            attempt = new Attempt(operation, at, Now - at, (int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            attempt = new Attempt(operation, at, Now - at, null, e.GetType().Name);
        }
        _attempts.Enqueue(attempt);
        return (attempt, body);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        _stop.Dispose();
        _drain.Dispose();
    }
}
