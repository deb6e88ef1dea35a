using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace TracSeq.ServiceTests.Infrastructure;

/// <summary>
/// One service alone, in this process, on its own database and the shared Redis, with tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth. A derived fixture replaces the network behind its clients of other
/// services (<see cref="ReplaceOtherServices"/>). Started once per run.
/// </summary>
public abstract class ServiceUnderTest<TProgram> : IAsyncLifetime where TProgram : class
{
    private LocalInfrastructure? _infrastructure;
    private ServiceFactory<TProgram>? _factory;

    public TestTokenIssuer Tokens { get; } = new();

    public LocalInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    protected ServiceFactory<TProgram> Factory => _factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// Points the service's clients of other services (registered by name, with their retries, timeouts and signing)
    /// at fakes: only the network behind them is replaced.
    /// </summary>
    protected abstract void ReplaceOtherServices(IServiceCollection services);

    public async Task InitializeAsync()
    {
        _infrastructure = await LocalInfrastructure.AcquireAsync();
        ServiceEnvironment.Apply(_infrastructure);
        _factory = await new ServiceFactory<TProgram>(services =>
        {
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.ConfigurationManager = Tokens.Keys);
            ReplaceOtherServices(services);
        }).StartAsync();
    }

    public HttpClient CreateClient(string? accessToken = null) => Factory.CreateClient(accessToken);

    /// <summary>Where the service listens (Kestrel on a free loopback port).</summary>
    public Uri Address => Factory.Address;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_infrastructure is not null)
        {
            await LocalInfrastructure.ReleaseAsync();
        }
    }
}
