using System.Collections.Concurrent;
using System.Net;
using System.Text;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// Sequencing as Samples' one client of it sees it, for the per-service tier: <c>PUT /internal/samples/{id}/project</c>
/// (a sample's libraries filed into the project it moves to: confirmed, and recorded so a test can say what Samples
/// asked) and <c>POST /internal/labels/items</c> (no libraries or pools: labels of Sequencing's items are the
/// whole-system suite's). Both signed, as Sequencing requires.
/// </summary>
public sealed class FakeSequencing
{
    private readonly ConcurrentQueue<(Guid SampleId, string Body)> _libraryMoves = new();

    /// <summary>The samples whose libraries Samples asked Sequencing to move, with the body it sent.</summary>
    public IReadOnlyList<(Guid SampleId, string Body)> LibraryMoves => [.. _libraryMoves];

    public HttpMessageHandler CreateHandler() => new Handler(this);

    private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!request.Headers.Contains(ServiceSignature.HeaderName))
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        if (request.Method == HttpMethod.Put
            && path.StartsWith("/internal/samples/", StringComparison.Ordinal)
            && path.EndsWith("/project", StringComparison.Ordinal))
        {
            _libraryMoves.Enqueue((Guid.Parse(path["/internal/samples/".Length..^"/project".Length]), body));
            return Json("""{"moved": 0}""");
        }
        if (request.Method == HttpMethod.Post && path == "/internal/labels/items")
        {
            return Json("""{"libraries": [], "pools": []}""");
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class Handler(FakeSequencing sequencing) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            sequencing.AnswerAsync(request, cancellationToken);
    }
}
