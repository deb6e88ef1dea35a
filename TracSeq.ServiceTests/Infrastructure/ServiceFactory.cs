using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace TracSeq.ServiceTests.Infrastructure;

/// <summary>
/// One TracSeq service in this process, built by its own <c>Program</c> and served by Kestrel on a free loopback port,
/// so body limits, client addresses and forwarded headers behave as they do in a deployment. Its settings arrive as
/// environment variables (<see cref="ServiceEnvironment"/>), which the service reads while building itself as under the
/// AppHost; <paramref name="configureServices"/> swaps in the fakes of what lies outside the service.
/// </summary>
public sealed class ServiceFactory<TProgram>(Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private Uri? _address;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development"); // as the services' launch profile under the AppHost
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }

    /// <summary>Starts the service on Kestrel and waits until it answers <c>/health</c> (its database and Redis included).</summary>
    public async Task<ServiceFactory<TProgram>> StartAsync()
    {
        UseKestrel(0);
        StartServer();
        using var client = CreateClient();
        _address = client.BaseAddress; // Kestrel's address, once the server listens
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            using var health = await client.GetAsync("/health", timeout.Token);
            if (health.IsSuccessStatusCode)
            {
                return this;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>Where Kestrel listens, for a client of the test's own making (its own handlers in front).</summary>
    public Uri Address => _address ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient(string? accessToken)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = _address ?? ClientOptions.BaseAddress, AllowAutoRedirect = false,
            HandleCookies = false });
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }
        return client;
    }
}
