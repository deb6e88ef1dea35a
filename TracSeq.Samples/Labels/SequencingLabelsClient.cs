using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Labels;

/// <summary>A library's or pool's label data, as Sequencing holds it.</summary>
public sealed record SequencingLabelSource(Guid Id, string Barcode, string Name, string? ProjectCode, DateTime CreatedAt);

public sealed record SequencingLabelItems(IReadOnlyList<SequencingLabelSource> Libraries, IReadOnlyList<SequencingLabelSource> Pools);

/// <summary>Sequencing could not be asked, or answered in a way that says nothing about the ids.</summary>
public sealed class SequencingUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Sequencing's <c>/internal/labels/items</c>, with the user's bearer token (Sequencing applies its own role check) and
/// this service's signed identity (<see cref="ServiceIdentity.AddServiceIdentity"/>). A read, so retried on
/// connection failures and 5xx; a short deadline makes a down Sequencing a 503 in seconds.
/// </summary>
public sealed class SequencingLabelsClient(HttpClient http, ILogger<SequencingLabelsClient> logger)
{
    public const string Path = "/internal/labels/items";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Files a sample's libraries into the project it is being moved to (<c>PUT /internal/samples/{id}/project</c>,
    /// idempotent, so retried like a read). Throws <see cref="SequencingUnavailableException"/> when Sequencing cannot
    /// confirm it: the caller then does not commit the move.
    /// </summary>
    public async Task MoveLibrariesAsync(Guid sampleId, Guid projectId, string? authorization, CancellationToken ct)
    {
        var path = $"/internal/samples/{sampleId}/project";
        using var request = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { projectId }, Json))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        if (AuthenticationHeaderValue.TryParse(authorization, out var bearer))
        {
            request.Headers.Authorization = bearer;
        }
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Sequencing answered {Status} to a library move (trace {TraceId})", (int)response.StatusCode,
                    System.Diagnostics.Activity.Current?.TraceId.ToHexString());
                throw new SequencingUnavailableException(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Sequencing answered {(int)response.StatusCode}."));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ExecutionRejectedException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(
                e, "Sequencing could not be reached for {Path} (trace {TraceId})", path, System.Diagnostics.Activity.Current?.TraceId.ToHexString());
            throw new SequencingUnavailableException("Sequencing could not be reached.", e);
        }
    }

    public async Task<SequencingLabelItems> ReadAsync(IReadOnlyList<Guid> libraryIds, IReadOnlyList<Guid> poolIds, string? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            // Bytes, not a streamed body: every retry sends exactly the same request.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { libraryIds, poolIds }, Json))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        if (AuthenticationHeaderValue.TryParse(authorization, out var bearer))
        {
            request.Headers.Authorization = bearer;
        }
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                // The downstream body goes to the log (with the trace id), not to the client.
                logger.LogWarning("Sequencing answered {Status}: {Body} (trace {TraceId})", (int)response.StatusCode,
                    body.Length <= 300 ? body : body[..300], System.Diagnostics.Activity.Current?.TraceId.ToHexString());
                throw new SequencingUnavailableException(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Sequencing answered {(int)response.StatusCode}."));
            }
            return await response.Content.ReadFromJsonAsync<SequencingLabelItems>(Json, ct)
                ?? throw new SequencingUnavailableException("Sequencing answered an empty body.");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ExecutionRejectedException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The socket error names hosts and ports: it goes to the log with the trace id, the answer says only what failed.
            logger.LogWarning(
                e, "Sequencing could not be reached for {Path} (trace {TraceId})", Path, System.Diagnostics.Activity.Current?.TraceId.ToHexString());
            throw new SequencingUnavailableException("Sequencing could not be reached.", e);
        }
    }

    /// <summary>Registers the client: service discovery's <c>http://sequencing</c>, two quick retries, 10 s in all.</summary>
    public static void Register(IHostApplicationBuilder builder)
    {
#pragma warning disable EXTEXP0001 // experimental API; the alternative is hand-building a service-discovery client
        var sequencing = builder.Services.AddHttpClient<SequencingLabelsClient>(client =>
        {
            client.BaseAddress = new Uri(builder.Configuration["Sequencing:BaseAddress"] ?? "http://sequencing");
            client.Timeout = TimeSpan.FromSeconds(15);
        }).RemoveAllResilienceHandlers();
        sequencing.AddResilienceHandler("sequencing", pipeline =>
        {
            pipeline.AddTimeout(TimeSpan.FromSeconds(10));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200), BackoffType = DelayBackoffType.Constant, UseJitter = true,
            });
            pipeline.AddTimeout(TimeSpan.FromSeconds(4));
        });
        sequencing.AddServiceIdentity("samples"); // inside the retries: every attempt signed afresh (a nonce is good once)
#pragma warning restore EXTEXP0001
    }
}
