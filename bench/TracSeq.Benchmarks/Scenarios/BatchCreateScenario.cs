using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// <c>POST /internal/samples/batch</c> with <see cref="Count"/> samples, as Templates commits a submission: HTTP,
/// authentication, JSON, validation, barcodes from the sequence, binary COPY of samples and audit events, the
/// idempotency record, commit, and the answer read to its end. Each run is a new submission.
/// </summary>
public sealed class BatchCreateScenario(int count) : IBenchmarkScenario
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private HttpClient? _client;
    private BenchmarkHost? _host;
    private IReadOnlyList<SampleRow> _rows = [];

    public int Count => count;

    public long ItemsPerRun => count;

    public string Name => $"POST /internal/samples/batch ({count:N0} samples)";

    public Task PrepareAsync(BenchmarkHost host, CancellationToken ct)
    {
        _client = host.Client("samples");
        _host = host;
        _rows = SampleRows.Create(count);
        return Task.CompletedTask;
    }

    public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
    {
        var submissionId = Guid.NewGuid();
        // Serialised before the clock starts: the client's work is not the service's.
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            submissionId,
            templateId = Guid.Parse("00000000-0000-4000-8000-00000000be7c"),
            templateVersion = 1,
            samples = _rows,
        }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", submissionId.ToString());
        await _host!.SignAsync(request, "templates", ct);

        var clock = Stopwatch.StartNew();
        using var response = await _client!.SendAsync(request, ct);
        var answer = await response.Content.ReadAsByteArrayAsync(ct);
        clock.Stop();

        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Batch answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
        }
        using var result = JsonDocument.Parse(answer);
        if (result.RootElement.GetProperty("created").GetInt32() != count)
        {
            throw new InvalidOperationException("The batch did not create every sample.");
        }
        return clock.Elapsed;
    }
}
