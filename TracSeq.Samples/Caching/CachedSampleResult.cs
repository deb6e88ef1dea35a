using System.Net.Mime;

namespace TracSeq.Samples.Caching;

/// <summary>
/// 200 with a cached sample's JSON bytes as they came from Redis: the same body and content type as
/// <c>Ok&lt;SampleDto&gt;</c> (the cache stores what that serialiser writes), without parsing and re-serialising it on
/// every cached read. The OpenAPI document keeps describing the 200 answer through <c>Ok&lt;SampleDto&gt;</c>.
/// </summary>
public sealed class CachedSampleResult(ReadOnlyMemory<byte> json) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = $"{MediaTypeNames.Application.Json}; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = json.Length;
        await response.BodyWriter.WriteAsync(json, httpContext.RequestAborted);
    }
}
