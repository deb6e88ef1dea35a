using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TracSeq.Contracts.Internal;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Client;

/// <summary>What Sequencing needs to know of a sample.</summary>
public sealed record SampleInfo(Guid Id, string Barcode, string Name, string Status, string? ProjectCode, Guid? ProjectId = null);

/// <summary>A sample Samples would not move, and where it is.</summary>
public sealed record RefusedSample(Guid Id, string Barcode, string From);

/// <summary>Samples' answer to a run's move: moved (or already there), or refused by one or more samples.</summary>
public sealed record RunMoveOutcome(bool Moved, int MovedCount, int AlreadyThere, IReadOnlyList<RefusedSample> Refused);

/// <summary>
/// The Samples service, by service discovery (<c>http://samples</c>), always with the caller's own bearer token, so
/// Samples applies its own rules and records the real user in its audit trail. Correlation id and trace context
/// travel with every call (ServiceDefaults' HttpClient defaults). A stopped Samples is found by a short
/// <c>/alive</c> probe before each write, so the caller gets a 503 within seconds instead of a hang.
/// </summary>
public sealed class SamplesClient(HttpClient http, ILogger<SamplesClient> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The sample, or null when Samples says it does not exist.</summary>
    public async Task<SampleInfo?> GetSampleAsync(Guid id, string? authorization, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, $"/api/samples/{id}", authorization);
        using var response = await SendAsync(request, alive: false, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => await response.Content.ReadFromJsonAsync<SampleInfo>(Json, ct),
            HttpStatusCode.NotFound => null,
            _ => throw Unexpected(response, await response.Content.ReadAsStringAsync(ct)),
        };
    }

    /// <summary>Writes <c>library_created</c> on the sample's audit trail; once per library, so a retry is harmless.</summary>
    public async Task RecordLibraryCreatedAsync(Guid sampleId, Guid libraryId, string libraryBarcode, string? authorization, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, SamplesInternalCalls.EventsPath(sampleId), authorization);
        request.Content = JsonContent.Create(new LibraryCreatedEventRequest(SamplesInternalCalls.LibraryCreated, libraryId, libraryBarcode), options: Json);
        using var response = await SendAsync(request, alive: true, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw Unexpected(response, await response.Content.ReadAsStringAsync(ct));
        }
    }

    /// <summary>
    /// Moves every sample of a run to <paramref name="to"/> or none, under <c>Idempotency-Key: run:{runId}:{to}</c>:
    /// Samples commits the move once and replays its answer to any retry (ours, or the user's after a failure).
    /// </summary>
    public async Task<RunMoveOutcome> MoveForRunAsync(Guid runId, string runName, string to, string? reason,
        IReadOnlyList<Guid> sampleIds, string? authorization, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, SamplesInternalCalls.RunStatusPath, authorization);
        // Bytes, not a streamed body: every retry sends exactly the same request.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new RunStatusRequest(runId, runName, to, reason, sampleIds), Json))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
        };
        request.Headers.Add("Idempotency-Key", SamplesInternalCalls.RunMoveKey(runId, to));
        using var response = await SendAsync(request, alive: true, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var moved = JsonSerializer.Deserialize<RunStatusResult>(body, Json)!;
                return new RunMoveOutcome(true, moved.Moved, moved.AlreadyThere, []);
            case HttpStatusCode.Conflict:
                using (var problem = JsonDocument.Parse(body))
                {
                    return new RunMoveOutcome(false, 0, 0, [.. problem.RootElement.GetProperty("refused").EnumerateArray().Select(r =>
                        new RefusedSample(
                            r.GetProperty("id").GetGuid(), r.GetProperty("barcode").GetString() ?? "", r.GetProperty("from").GetString() ?? ""))]);
                }
            case HttpStatusCode.NotFound:
                using (var problem = JsonDocument.Parse(body))
                {
                    return new RunMoveOutcome(false, 0, 0, [.. problem.RootElement.GetProperty("missing").EnumerateArray().Select(m =>
                        new RefusedSample(m.GetGuid(), "", "missing"))]);
                }
            default:
                throw Unexpected(response, body);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? authorization)
    {
        var request = new HttpRequestMessage(method, path);
        if (AuthenticationHeaderValue.TryParse(authorization, out var bearer))
        {
            request.Headers.Authorization = bearer;
        }
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool alive, CancellationToken ct)
    {
        try
        {
            if (alive)
            {
                await EnsureAliveAsync(ct);
            }
            return await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.ExecutionRejectedException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The socket error names hosts and ports: it goes to the log with the trace id, the answer says only what failed.
            logger.LogWarning(e, "Samples could not be reached for {Method} {Path} (trace {TraceId})", request.Method, request.RequestUri,
                System.Diagnostics.Activity.Current?.TraceId.ToHexString());
            throw new SamplesUnavailableException("Samples could not be reached.", e);
        }
    }

    private async Task EnsureAliveAsync(CancellationToken ct)
    {
        if (await SamplesServiceClient.WhyNotAliveAsync(http, ct) is { } why)
        {
            logger.LogWarning("Samples is not alive: {Why} (trace {TraceId})", why, System.Diagnostics.Activity.Current?.TraceId.ToHexString());
            throw new SamplesUnavailableException("Samples is not answering its liveness probe.");
        }
    }

    /// <summary>An answer that says nothing about the request: its body goes to the log (with the trace id), not to the client.</summary>
    private SamplesUnavailableException Unexpected(HttpResponseMessage response, string body)
    {
        logger.LogWarning("Samples answered {Status}: {Body} (trace {TraceId})", (int)response.StatusCode, body.Length <= 300 ? body : body[..300],
            System.Diagnostics.Activity.Current?.TraceId.ToHexString());
        return new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Samples answered {(int)response.StatusCode}."));
    }
}
