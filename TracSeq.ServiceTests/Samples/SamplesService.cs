extern alias SamplesApp;

using Microsoft.Extensions.DependencyInjection;
using TracSeq.ServiceTests.Infrastructure;
using SamplesProgram = SamplesApp::Program;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// The Samples service alone, in this process, on its own database and the shared Redis, with tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth, and <see cref="FakeSequencing"/> behind its one client of another
/// service (Sequencing's label items and library moves). Started once per run.
/// </summary>
public sealed class SamplesService : ServiceUnderTest<SamplesProgram>
{
    public FakeSequencing Sequencing { get; } = new();

    protected override void ReplaceOtherServices(IServiceCollection services) =>
        services.AddHttpClient("SequencingLabelsClient").ConfigurePrimaryHttpMessageHandler(Sequencing.CreateHandler);

    /// <summary>A client signed in as the run's user of <paramref name="role"/>. Dispose it.</summary>
    public HttpClient As(string role) => CreateClient(Tokens.TokenFor(role));

    /// <summary>Samples' own login on its database, never the superuser.</summary>
    public string DatabaseConnectionString => Infrastructure.ConnectionString("samplesdb");
}

[CollectionDefinition(Name)]
public sealed class SamplesServiceCollection : ICollectionFixture<SamplesService>
{
    public const string Name = "Samples service";
}
