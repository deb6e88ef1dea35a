using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Templates.Submissions;

public sealed record SampleBatchRequest(Guid SubmissionId, Guid TemplateId, int TemplateVersion, IReadOnlyList<BatchSample> Samples);

public sealed record BatchCreatedSample(Guid Id, string Barcode);

public sealed record SampleBatchResult(Guid SubmissionId, Guid TemplateId, int TemplateVersion, int Created, IReadOnlyList<BatchCreatedSample> Samples);

/// <summary>What Samples answered: the samples created, or the rows (by batch index) it refused and why.</summary>
public sealed record BatchOutcome(SampleBatchResult? Created, IReadOnlyList<(int Index, string Property, string? Value, string Message)> Refused);

/// <summary>Samples could not be asked, or answered in a way that commits nothing we can report per row.</summary>
public sealed class SamplesUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// <c>POST http://samples/internal/samples/batch</c> with the submitting user's bearer token and
/// <c>Idempotency-Key: {submissionId}</c>. The key is what makes retries (ours here, and the user's retry of a failed
/// submission) safe for this non-idempotent POST: Samples commits one submission once and replays its answer.
/// </summary>
public sealed partial class SamplesBatchClient(HttpClient http, ILogger<SamplesBatchClient> logger)
{
    public const string Path = "/internal/samples/batch";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex(@"\Asamples\[(\d+)\]\.(\w+)\z")]
    private static partial Regex IndexedField();

    public async Task<BatchOutcome> CreateAsync(SampleBatchRequest batch, string? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            // Bytes, not a streamed JsonContent: every retry sends exactly the same body, which the key's hash checks.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(batch, Json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("Idempotency-Key", batch.SubmissionId.ToString());
        if (AuthenticationHeaderValue.TryParse(authorization, out var bearer))
        {
            request.Headers.Authorization = bearer;
        }

        HttpResponseMessage response;
        try
        {
            await EnsureAliveAsync(ct);
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.ExecutionRejectedException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The socket error names hosts and ports: it goes to the log with the trace id, the answer says only what failed.
            logger.LogWarning(e, "Samples could not be reached for {Path} (trace {TraceId})", Path, TraceId());
            throw new SamplesUnavailableException("Samples could not be reached.", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Created:
                    return new BatchOutcome(JsonSerializer.Deserialize<SampleBatchResult>(body, Json), []);
                case HttpStatusCode.Conflict:
                    using (var problem = JsonDocument.Parse(body))
                    {
                        return new BatchOutcome(null, [.. problem.RootElement.GetProperty("duplicates").EnumerateArray().Select(d =>
                            (d.GetProperty("index").GetInt32(), "barcode", d.GetProperty("barcode").GetString(),
                             $"The barcode '{d.GetProperty("barcode").GetString()}' is already in use by another sample."))]);
                    }
                case HttpStatusCode.BadRequest:
                    // Our checks use the same shared rules as Samples; a 400 can still come from a rule only Samples knows
                    // (metadata keys, say), so its field errors still land on rows.
                    using (var problem = JsonDocument.Parse(body))
                    {
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
                                refused.Add((int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                                    match.Groups[2].Value, null, message.GetString() ?? ""));
                            }
                        }
                        return new BatchOutcome(null, refused);
                    }
                default:
                    // The downstream body goes to the log (with the trace id), not to the client.
                    logger.LogWarning("Samples answered {Status}: {Body} (trace {TraceId})", (int)response.StatusCode, Truncate(body), TraceId());
                    throw new SamplesUnavailableException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Samples answered {(int)response.StatusCode}."));
            }
        }
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
