using System.Net;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Security;

/// <summary>A CSV export holds a database connection while the client reads: how many one user may hold at once.</summary>
[Collection(AppHostCollection.Name)]
public sealed class ExportLimitTests(AppHostFixture fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task A_user_with_two_exports_being_read_slowly_gets_429_for_a_third_and_a_slot_back_when_one_ends()
    {
        // Large enough (tens of megabytes) that an export nobody reads cannot finish into the socket buffers.
        var submissionId = Guid.NewGuid();
        var notes = new string('n', 1000);
        var body = new
        {
            submissionId,
            templateId = Guid.Parse("5a3f6c1e-0000-4000-8000-000000000001"),
            templateVersion = 1,
            samples = Enumerable.Range(1, 30_000).Select(i => new { name = $"Export {i}", sampleType = "dna", notes }).ToList(),
        };
        using (var created = await _lab.PostBatchAsync("research_scientist", submissionId, body))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var path = $"/api/samples/export?format=csv&submissionId={submissionId}";
        var auth = new AuthApiClient(fixture);
        var exporter = await auth.CreateUserAsync("lab_technician"); // staff: sees every project's samples, so all 30,000 rows
        var token = (await auth.LoginAsync(exporter.Email, exporter.Password)).AccessToken;
        // Straight to Samples, with a receive window of a few kilobytes: a client that reads slowly, and whose unread
        // answer cannot vanish into the buffers of the proxies between.
        using var first = SlowReader(token);
        using var second = SlowReader(token);
        using var third = SlowReader(token);
        using var slow1 = await first.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        using var slow2 = await second.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        slow1.StatusCode.ShouldBe(HttpStatusCode.OK);
        slow2.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var refused = await third.GetAsync(path);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        // Another user is not held up by this one.
        using var other = await _lab.AsAsync("guest");
        using var otherExport = await other.GetAsync($"/api/samples/export?format=csv&submissionId={Guid.NewGuid()}");
        otherExport.StatusCode.ShouldBe(HttpStatusCode.OK);

        // Read one to its end: its slot comes back.
        var csv = await slow1.Content.ReadAsStringAsync();
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(30_001);
        // The server gives the slot back as its response completes, a moment after the client has the last byte.
        var answer = HttpStatusCode.TooManyRequests;
        for (var i = 0; i < 50 && answer == HttpStatusCode.TooManyRequests; i++)
        {
            await Task.Delay(i == 0 ? 0 : 100);
            using var again = await third.GetAsync($"/api/samples/export?format=csv&submissionId={Guid.NewGuid()}");
            answer = again.StatusCode;
        }
        answer.ShouldBe(HttpStatusCode.OK);
    }

    private HttpClient SlowReader(string token)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
                {
                    ReceiveBufferSize = 4096,
                };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = fixture.App.GetEndpoint("samples", "http") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
