using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TracSeq.Tests.Webhooks;

/// <summary>One request the receiver got: its path, the Standard Webhooks headers and the raw body.</summary>
public sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, string Body, DateTimeOffset At);

/// <summary>How the receiver answers a request: a status code, after a delay, with a Location header.</summary>
public sealed record ReceiverAnswer(int Status, TimeSpan Delay = default, string? Location = null);

/// <summary>
/// A lab's system that listens for webhooks (outside TracSeq, so real here): an HTTP server on 127.0.0.1 at a random
/// port, recording every request. Each test uses its own path and may script the answers per request number on it.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, Func<int, ReceiverAnswer>> _answers = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            BaseUrl = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string BaseUrl { get; }

    /// <summary>A fresh path of this receiver, answered by <paramref name="answer"/> (by request number, from 1); 204 by default.</summary>
    public string NewEndpoint(Func<int, ReceiverAnswer>? answer = null)
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        _answers[path] = answer ?? (_ => new ReceiverAnswer(204));
        return path;
    }

    public IReadOnlyList<ReceivedWebhook> At(string path) => [.. _received.Where(r => r.Path == path)];

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string path, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (At(path).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} received {At(path).Count} of {count} webhooks within {timeout}.");
            }
            await Task.Delay(100);
        }
        return At(path);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context)); // a hanging answer must not hold up the next request
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            var request = context.Request;
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var path = request.Url!.AbsolutePath;
            _received.Enqueue(new ReceivedWebhook(path, request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
                request.Headers["webhook-signature"], await reader.ReadToEndAsync(), DateTimeOffset.UtcNow));
            var number = _counts.AddOrUpdate(path, 1, (_, n) => n + 1);
            var answer = _answers.TryGetValue(path, out var script) ? script(number) : new ReceiverAnswer(404);
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, _stopping.Token);
            }
            context.Response.StatusCode = answer.Status;
            if (answer.Location is not null)
            {
                context.Response.RedirectLocation = answer.Location;
            }
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The sender hung up (its time-out) or the receiver is stopping.
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }
}
