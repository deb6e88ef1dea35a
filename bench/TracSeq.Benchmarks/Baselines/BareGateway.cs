using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Configuration;

namespace TracSeq.Benchmarks.Baselines;

/// <summary>
/// The physical limit of a gateway hop on this machine: a minimal ASP.NET Core app with JwtBearer (HS256, issuer,
/// audience, lifetime checked on every request, no cache, no revocation) and YARP forwarding every request to a bare
/// Kestrel endpoint that answers the same JSON. Both run in the harness's process on loopback ports, with no logging,
/// metrics or tracing. <see cref="Token"/> is the bearer token to send.
/// </summary>
public sealed class BareGateway : IAsyncDisposable
{
    private readonly WebApplication _gateway;
    private readonly BareKestrel _backend;

    private BareGateway(WebApplication gateway, BareKestrel backend, Uri url, string token)
    {
        _gateway = gateway;
        _backend = backend;
        Url = url;
        Token = token;
    }

    public Uri Url { get; }

    public string Token { get; }

    public static async Task<BareGateway> StartAsync(string json, CancellationToken ct)
    {
        var backend = await BareKestrel.StartAsync(json, ct);
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes($"bench-{Guid.NewGuid():N}-{Guid.NewGuid():N}"));
        var token = new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            issuer: "bench", audience: "bench-api", claims: [new Claim("sub", Guid.NewGuid().ToString())],
            expires: DateTime.UtcNow.AddHours(3), signingCredentials: new SigningCredentials(key, SecurityAlgorithms.HmacSha256)));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "bench",
                ValidAudience = "bench-api",
                IssuerSigningKey = key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "{**rest}" }, AuthorizationPolicy = "default" }],
            [new ClusterConfig
            {
                ClusterId = "backend",
                Destinations = new Dictionary<string, DestinationConfig> { ["one"] = new() { Address = backend.Url.ToString() } },
            }]);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapReverseProxy();
        await app.StartAsync(ct);
        var url = new Uri(app.Urls.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        return new BareGateway(app, backend, url, token);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }
}
