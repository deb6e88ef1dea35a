using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using ClientSide = TracSeq.Samples.Client;
using TemplatesSide = TracSeq.Templates.Submissions;

namespace TracSeq.UnitTests.Problems;

/// <summary>
/// L3 (issue 24): when Samples cannot be reached or answers something unexpected, the clients of Templates and
/// Sequencing say only what failed. The message becomes a problem's detail (and a submission's stored reason), so the
/// socket error (host and port) and Samples' own body must not be in it; they go to the log, with the trace id.
/// The handler stands in for the network: it answers as a refused connection or a broken Samples would.
/// </summary>
public sealed class DownstreamFailureTests
{
    private const string SocketError = "Connection refused (samples-internal.tracseq.svc:8443)";
    private const string SamplesBody = """{"title":"Npgsql.PostgresException (0x80004005): 53300: too many clients","host":"postgres-rw:5432"}""";
    private static readonly string[] Internals = ["samples-internal", "8443", "Npgsql", "postgres-rw", "53300", "Connection refused"];

    private sealed class Samples(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    private sealed class Recorded<T> : ILogger<T>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
    }

    private static HttpResponseMessage Refused(HttpRequestMessage _) => throw new HttpRequestException(SocketError);

    private static HttpResponseMessage Broken(HttpRequestMessage request) => request.RequestUri!.AbsolutePath == "/alive"
        ? new HttpResponseMessage(HttpStatusCode.OK)
        : new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent(SamplesBody, Encoding.UTF8, "application/json") };

    private static HttpClient Client(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        new(new Samples(answer)) { BaseAddress = new Uri("http://samples") };

    private static void SaysOnlyWhatFailed(Exception refused, string expected, List<string> log, string logged)
    {
        refused.Message.ShouldBe(expected);
        foreach (var secret in Internals)
        {
            refused.Message.ShouldNotContain(secret, Case.Insensitive);
        }
        log.ShouldContain(line => line.Contains(logged, StringComparison.Ordinal), $"the log keeps the specifics: {string.Join(" | ", log)}");
    }

    private static TracSeq.Contracts.Internal.SampleBatchRequest<TemplatesSide.BatchSample> Batch() => new(Guid.NewGuid(), Guid.NewGuid(), 1, []);

    [Fact]
    public async Task Templates_says_Samples_could_not_be_reached_without_the_socket_error()
    {
        var log = new Recorded<ClientSide.SamplesBatchClient>();
        var client = new ClientSide.SamplesBatchClient(Client(Refused), log);

        var refused = await Should.ThrowAsync<ClientSide.SamplesUnavailableException>(() => client.CreateAsync(Batch(), "Bearer t", CancellationToken.None));

        SaysOnlyWhatFailed(refused, "Samples could not be reached.", log.Lines, SocketError);
    }

    [Fact]
    public async Task Templates_says_what_Samples_answered_without_its_body()
    {
        var log = new Recorded<ClientSide.SamplesBatchClient>();
        var client = new ClientSide.SamplesBatchClient(Client(Broken), log);

        var refused = await Should.ThrowAsync<ClientSide.SamplesUnavailableException>(() => client.CreateAsync(Batch(), "Bearer t", CancellationToken.None));

        SaysOnlyWhatFailed(refused, "Samples answered 500.", log.Lines, "postgres-rw:5432");
    }

    [Fact]
    public async Task Sequencing_says_Samples_could_not_be_reached_without_the_socket_error()
    {
        var log = new Recorded<ClientSide.SamplesClient>();
        var client = new ClientSide.SamplesClient(Client(Refused), log);

        var refused = await Should.ThrowAsync<ClientSide.SamplesUnavailableException>(
            () => client.GetSampleAsync(Guid.NewGuid(), "Bearer t", CancellationToken.None));

        SaysOnlyWhatFailed(refused, "Samples could not be reached.", log.Lines, SocketError);
    }

    [Fact]
    public async Task Sequencing_says_what_Samples_answered_without_its_body()
    {
        var log = new Recorded<ClientSide.SamplesClient>();
        var client = new ClientSide.SamplesClient(Client(Broken), log);

        var refused = await Should.ThrowAsync<ClientSide.SamplesUnavailableException>(() =>
            client.MoveForRunAsync(Guid.NewGuid(), "Run 1", "sequencing", null, [Guid.NewGuid()], "Bearer t", CancellationToken.None));

        SaysOnlyWhatFailed(refused, "Samples answered 500.", log.Lines, "postgres-rw:5432");
    }
}
