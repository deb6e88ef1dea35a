using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TracSeq.Contracts.Internal;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Client;

/// <summary>What Samples answered: the samples created, or the rows (by batch index) it refused and why.</summary>
public sealed record BatchOutcome(SampleBatchResult? Created, IReadOnlyList<(int Index, string Property, string? Value, string Message)> Refused);

/// <summary>
/// <c>POST http://samples/internal/samples/batch</c> with the submitting user's bearer token and
/// <c>Idempotency-Key: {submissionId}</c>. The key is what makes retries (ours here, and the user's retry of a failed
/// submission) safe for this non-idempotent POST: Samples commits one submission once and replays its answer.
/// </summary>
public sealed partial class SamplesBatchClient(HttpClient http, ILogger<SamplesBatchClient> logger)
{
    public const string Path = SamplesInternalCalls.BatchPath;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex(@"\Asamples\[(\d+)\]\.(\w+)\z")]
    private static partial Regex IndexedField();

    public async Task<BatchOutcome> CreateAsync<TSample>(SampleBatchRequest<TSample> batch, string? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            // Bytes, not a streamed JsonContent: every retry sends exactly the same body, which the key's hash checks.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(batch, Json))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        request.Headers.Add("Idempotency-Key", SamplesInternalCalls.BatchKey(batch.SubmissionId!.Value));
        if (AuthenticationHeaderValue.TryParse(authorization, out var bearer))
        {
            request.Headers.Authorization = bearer;
        }
        using var response = await SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => new BatchOutcome(JsonSerializer.Deserialize<SampleBatchResult>(body, Json), []),
            HttpStatusCode.Conflict => new BatchOutcome(null, DuplicateBarcodes(body)),
            HttpStatusCode.BadRequest => new BatchOutcome(null, RowErrors(body)),
            _ => throw Unexpected(response.StatusCode, body),
        };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            await EnsureAliveAsync(ct);
            return await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.ExecutionRejectedException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The socket error names hosts and ports: it goes to the log with the trace id, the answer says only what failed.
            logger.LogWarning(e, "Samples could not be reached for {Path} (trace {TraceId})", Path, TraceId());
            throw new SamplesUnavailableException("Samples could not be reached.", e);
        }
    }

    /// <summary>409: the rows whose barcodes another sample already has.</summary>
    private static List<(int, string, string?, string)> DuplicateBarcodes(string body)
    {
        using var problem = JsonDocument.Parse(body);
        return [.. problem.RootElement.GetProperty("duplicates").EnumerateArray().Select(d =>
            (d.GetProperty("index").GetInt32(), "barcode", d.GetProperty("barcode").GetString(),
             $"The barcode '{d.GetProperty("barcode").GetString()}' is already in use by another sample."))];
    }

    /// <summary>
    /// 400. Our checks use the same shared rules as Samples; a 400 can still come from a rule only Samples knows
    /// (metadata keys, say), so its field errors still land on rows. One that names no row says nothing we can report.
    /// </summary>
    private List<(int, string, string?, string)> RowErrors(string body)
    {
        using var problem = JsonDocument.Parse(body);
        var refused = new List<(int, string, string?, string)>();
        foreach (var error in problem.RootElement.GetProperty("errors").EnumerateObject())
        {
            var match = IndexedField().Match(error.Name);
            if (!match.Success)
            {
                logger.LogWarning("Samples refused the batch: {Field}: {Errors} (trace {TraceId})", error.Name, error.Value.GetRawText(), TraceId());
                throw new SamplesUnavailableException("Samples refused the batch for a reason that names no row.");
            }
            foreach (var message in error.Value.EnumerateArray())
            {
                refused.Add((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, null, message.GetString() ?? ""));
            }
        }
        return refused;
    }

    /// <summary>The downstream body goes to the log (with the trace id), not to the client.</summary>
    private SamplesUnavailableException Unexpected(HttpStatusCode status, string body)
    {
        logger.LogWarning("Samples answered {Status}: {Body} (trace {TraceId})", (int)status, Truncate(body), TraceId());
        return new SamplesUnavailableException(string.Create(CultureInfo.InvariantCulture, $"Samples answered {(int)status}."));
    }

    private async Task EnsureAliveAsync(CancellationToken ct)
    {
        if (await SamplesServiceClient.WhyNotAliveAsync(http, ct) is { } why)
        {
            logger.LogWarning("Samples is not alive: {Why} (trace {TraceId})", why, TraceId());
            throw new SamplesUnavailableException("Samples is not answering its liveness probe.");
        }
    }

    private static string? TraceId() => System.Diagnostics.Activity.Current?.TraceId.ToHexString();

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300];
}
