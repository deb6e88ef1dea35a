using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TracSeq.Benchmarks.Baselines;

/// <summary>
/// The limit of a cached read: a minimal ASP.NET Core app in the harness's process whose one GET endpoint reads the
/// sample's JSON from the same Redis the services use (one GET of one key per request, through StackExchange.Redis)
/// and writes it out. No authentication, logging, metrics or tracing.
/// </summary>
public sealed class BareRedisRead : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConnectionMultiplexer _redis;

    private BareRedisRead(WebApplication app, ConnectionMultiplexer redis, Uri url)
    {
        _app = app;
        _redis = redis;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareRedisRead> StartAsync(string redisConnectionString, string json, CancellationToken ct)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        var key = new RedisKey($"bench:bare-read:{Guid.NewGuid():N}");
        await redis.GetDatabase().StringSetAsync(key, json, TimeSpan.FromHours(3));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var db = redis.GetDatabase();
        app.MapGet("/api/samples/by-barcode/{barcode}", async (string barcode, HttpContext context) =>
        {
            byte[]? body = await db.StringGetAsync(key);
            if (body is null)
            {
                return Results.NotFound();
            }
            return Results.Bytes(body, "application/json");
        });
        await app.StartAsync(ct);
        var url = new Uri(app.Urls.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        return new BareRedisRead(app, redis, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
