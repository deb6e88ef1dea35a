using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.Benchmarks;

/// <summary>
/// The TracSeq AppHost started in local mode (real PostgreSQL and Redis as local programs) with its data in a fresh
/// temporary folder and random ports, exactly like the test fixture, plus a signed-in client.
/// </summary>
public sealed class BenchmarkHost : IAsyncDisposable
{
    private static readonly string[] Resources = ["postgres", "samplesdb", "cache", "auth", "samples", "gateway"];

    private readonly DistributedApplication _app;
    private readonly string _dataDirectory;

    private BenchmarkHost(DistributedApplication app, string dataDirectory, string accessToken)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        AccessToken = accessToken;
    }

    public string AccessToken { get; }

    public static async Task<BenchmarkHost> StartAsync(CancellationToken ct)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"tracseq-bench-{Guid.NewGuid():N}"[..22]);
        var adminPassword = $"Bench-{Guid.NewGuid():N}";
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
        [
            "--TracSeq:Infrastructure=local",
            $"--TracSeq:DataDirectory={dataDirectory}",
            "--TracSeq:DurableStorage=false", // fsync off: measures the code, not this machine's disk
            $"--Parameters:admin-password={adminPassword}",
        ], ct);
        // The table is the output: resource consoles and per-request client logs would bury it.
        builder.Services.AddLogging(logging => logging
            .AddFilter("TracSeq.AppHost.Resources", LogLevel.None)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)); // services stopping at the end
        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }

        using var auth = app.CreateHttpClient("auth", "http");
        using var login = await auth.PostAsJsonAsync("/api/auth/login", new { email = "admin@tracseq.local", password = adminPassword }, ct);
        login.EnsureSuccessStatusCode();
        using var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct));
        return new BenchmarkHost(app, dataDirectory, tokens.RootElement.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A client for one service, signed in as the first lab administrator.</summary>
    public HttpClient Client(string resource)
    {
        var client = _app.CreateHttpClient(resource, "http");
        client.Timeout = TimeSpan.FromMinutes(2);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        return client;
    }

    public async Task<string> ConnectionStringAsync(string resource) =>
        await _app.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"No connection string for {resource}.");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // PostgreSQL's files belong to the postgres user when run as root; the folder is in the temp directory.
        }
    }
}
