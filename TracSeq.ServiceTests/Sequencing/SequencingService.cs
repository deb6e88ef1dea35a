extern alias SequencingApp;

using Microsoft.Extensions.DependencyInjection;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceTests.Infrastructure;
using SequencingProgram = SequencingApp::Program;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// The Sequencing service alone, in this process, on its own database and the shared Redis: tokens from the
/// <see cref="TestTokenIssuer"/> instead of Auth, and <see cref="FakeSamplesForSequencing"/> behind its Samples clients
/// (sample reads, library events, run moves, the outbox relay and project memberships). Started once per run.
/// </summary>
public sealed class SequencingService : ServiceUnderTest<SequencingProgram>
{
    public FakeSamplesForSequencing Samples { get; } = new();

    protected override void ReplaceOtherServices(IServiceCollection services)
    {
        foreach (var client in new[] { "SamplesClient", "SamplesOutboxSink", SamplesMembershipSource.ClientName })
        {
            services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(Samples.CreateHandler);
        }
    }

    /// <summary>A client signed in as the run's user of <paramref name="role"/>. Dispose it.</summary>
    public HttpClient As(string role) => OutsideClient.Create(Address, Tokens.TokenFor(role));

    /// <summary>Sequencing's own login on its database, never the superuser.</summary>
    public string DatabaseConnectionString => Infrastructure.ConnectionString("sequencingdb");

    /// <summary>
    /// The project of this code, known to the fake Samples; when it is new, its members' cached memberships are
    /// dropped as Samples announces a membership change, so the next request sees it.
    /// </summary>
    public async Task<Guid> ProjectAsync(string code)
    {
        var id = Samples.Project(code, out var added);
        if (added)
        {
            var cache = Factory.Services.GetRequiredService<MembershipCache>();
            foreach (var user in Tokens.Users)
            {
                await cache.AnnounceAsync(user.Id);
            }
        }
        return id;
    }
}

[CollectionDefinition(Name)]
public sealed class SequencingServiceCollection : ICollectionFixture<SequencingService>
{
    public const string Name = "Sequencing service";
}
