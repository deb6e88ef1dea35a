using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TracSeq.Tests.Infrastructure;

/// <summary>
/// Stands in for the team's real alert receiver (chat, pager), which is outside the system: it records every
/// Alertmanager webhook notification posted to it on 127.0.0.1.
/// </summary>
public sealed class AlertWebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<JsonElement> _notifications = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _loop;

    public AlertWebhookReceiver()
    {
        Url = $"http://127.0.0.1:{FreePort()}/alerts/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public string Url { get; }

    public IReadOnlyCollection<JsonElement> Notifications => [.. _notifications];

    /// <summary>Waits for a notification (already received or still to come) that <paramref name="matches"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> matches, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            foreach (var notification in _notifications)
            {
                if (matches(notification))
                {
                    return notification;
                }
            }
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join("\n", _notifications.Select(n => n.GetRawText()));
                throw new TimeoutException($"No webhook notification {what} within {timeout}. Received:\n{seen}");
            }
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return; // stopped
            }
            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                _notifications.Enqueue(body.RootElement.Clone());
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
            _arrived.Release();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
