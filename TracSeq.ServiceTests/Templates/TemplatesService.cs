extern alias TemplatesApp;

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using TracSeq.ServiceTests.Infrastructure;
using TemplatesProgram = TemplatesApp::Program;

namespace TracSeq.ServiceTests.Templates;

/// <summary>
/// The Templates service alone, in this process, on its own database and the shared Redis: tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth, and <see cref="FakeSamples"/> behind its Samples clients (the
/// batch commit, the outbox relay and the project memberships). Started once per run.
/// </summary>
public sealed class TemplatesService : IAsyncLifetime
{
    private LocalInfrastructure? _infrastructure;
    private ServiceFactory<TemplatesProgram>? _factory;

    public TestTokenIssuer Tokens { get; } = new();

    public FakeSamples Samples { get; } = new();

    public LocalInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _infrastructure = await LocalInfrastructure.AcquireAsync();
        ServiceEnvironment.Apply(_infrastructure);
        _factory = await new ServiceFactory<TemplatesProgram>(services =>
        {
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.ConfigurationManager = Tokens.Keys);
            // The typed clients AddSamplesServiceClient registers (named after their types), with their own retries,
            // timeouts and signing kept: only the network behind them is replaced.
            foreach (var client in new[] { "SamplesBatchClient", "SamplesOutboxSink", TracSeq.Samples.Client.SamplesMembershipSource.ClientName })
            {
                services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(Samples.CreateHandler);
            }
        }).StartAsync();
    }

    public HttpClient CreateClient(string? accessToken = null) =>
        (_factory ?? throw new InvalidOperationException("Not started.")).CreateClient(accessToken);

    /// <summary>A client signed in as the run's user of <paramref name="role"/>. Dispose it.</summary>
    public HttpClient As(string role) => CreateClient(Tokens.TokenFor(role));

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

[CollectionDefinition(Name)]
public sealed class TemplatesServiceCollection : ICollectionFixture<TemplatesService>
{
    public const string Name = "Templates service";
}
