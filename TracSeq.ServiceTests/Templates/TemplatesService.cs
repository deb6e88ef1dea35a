extern alias TemplatesApp;

using Microsoft.Extensions.DependencyInjection;
using TracSeq.ServiceTests.Infrastructure;
using TemplatesProgram = TemplatesApp::Program;

namespace TracSeq.ServiceTests.Templates;

/// <summary>
/// The Templates service alone, in this process, on its own database and the shared Redis: tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth, and <see cref="FakeSamples"/> behind its Samples clients (the
/// batch commit, the outbox relay and the project memberships). Started once per run.
/// </summary>
public sealed class TemplatesService : ServiceUnderTest<TemplatesProgram>
{
    public FakeSamples Samples { get; } = new();

    protected override void ReplaceOtherServices(IServiceCollection services)
    {
        // The typed clients AddSamplesServiceClient registers (named after their types).
        foreach (var client in new[] { "SamplesBatchClient", "SamplesOutboxSink", TracSeq.Samples.Client.SamplesMembershipSource.ClientName })
        {
            services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(Samples.CreateHandler);
        }
    }

    /// <summary>A client signed in as the run's user of <paramref name="role"/>. Dispose it.</summary>
    public HttpClient As(string role) => CreateClient(Tokens.TokenFor(role));
}

[CollectionDefinition(Name)]
public sealed class TemplatesServiceCollection : ICollectionFixture<TemplatesService>
{
    public const string Name = "Templates service";
}
