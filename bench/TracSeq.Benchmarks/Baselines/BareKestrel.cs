using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TracSeq.Benchmarks.Baselines;

/// <summary>
/// The floor under a read: a minimal ASP.NET Core app in the harness's process on a loopback port, one GET endpoint
/// serialising the same JSON document (the sample the services return) on every request. No middleware, logging,
/// authentication, database or cache: what Kestrel and System.Text.Json cost on this machine.
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareKestrel(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareKestrel> StartAsync(string json, CancellationToken ct)
    {
        var document = JsonSerializer.Deserialize<JsonElement>(json);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/api/samples/by-barcode/{barcode}", (string barcode) => Results.Json(document));
        await app.StartAsync(ct);
        var address = app.Urls.First();
        return new BareKestrel(app, new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
