using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TracSeq.Samples.Webhooks;

/// <summary>What one attempt found: a status code (null when no answer came) and why it did not succeed.</summary>
public sealed record SendOutcome(bool Delivered, int? StatusCode, TimeSpan Duration, string? Error);

/// <summary>
/// Sends one signed delivery. The connection goes only to an address <see cref="WebhookAddressPolicy"/> allows, checked
/// at connect time (a name that resolved to a public address at registration and to an internal one now is refused);
/// redirects are not followed; the whole attempt has <see cref="Timeout"/>; at most <see cref="MaxAnswerBytes"/> of the
/// answer are read, so a hanging or endless receiver costs one time-out.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpClient _client;

    public WebhookSender(WebhookAddressPolicy policy)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            MaxResponseDrainSize = 0, // an unread answer closes the connection instead of being read on
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1), // a name is looked up (and checked) again at least this often
            ConnectCallback = async (context, ct) =>
            {
                var (addresses, refusal) = await policy.ResolveAsync(context.DnsEndPoint.Host, ct);
                if (refusal is not null)
                {
                    throw new WebhookTargetRefusedException(refusal);
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    // The address actually connected, checked once more: nothing between the check and the connect may pick another.
                    if (socket.RemoteEndPoint is IPEndPoint remote && policy.Refuses(remote.Address) is { } why)
                    {
                        throw new WebhookTargetRefusedException($"connected to {remote.Address}, a {why} address.");
                    }
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("TracSeq-Webhooks/1.0");
    }

    public async Task<SendOutcome> SendAsync(Uri url, string webhookId, long timestamp, string signature, string body, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            await DrainAsync(response, deadline.Token);
            var code = (int)response.StatusCode;
            var delivered = code is >= 200 and < 300;
            string? error = delivered ? null
                : code is >= 300 and < 400 ? $"Answered {code}; redirects are not followed."
                : $"Answered {code}.";
            return new SendOutcome(delivered, code, stopwatch.Elapsed, error);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new SendOutcome(false, null, stopwatch.Elapsed, $"No answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            var refused = e.InnerException as WebhookTargetRefusedException ?? e.InnerException?.InnerException as WebhookTargetRefusedException;
            var why = refused is not null ? $"Refused: {refused.Message}" : $"Could not connect: {e.Message}";
            return new SendOutcome(false, null, stopwatch.Elapsed, why.Length > 500 ? why[..500] : why);
        }
    }

    /// <summary>Reads (and drops) at most <see cref="MaxAnswerBytes"/> of the answer; the rest is never read.</summary>
    private static async Task DrainAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[8192];
        var read = 0;
        int n;
        while (read < MaxAnswerBytes && (n = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, MaxAnswerBytes - read)), ct)) > 0)
        {
            read += n;
        }
    }

    public void Dispose() => _client.Dispose();
}

public sealed class WebhookTargetRefusedException(string message) : Exception(message);
