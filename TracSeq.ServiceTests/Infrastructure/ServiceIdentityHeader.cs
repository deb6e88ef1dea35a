using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceTests.Infrastructure;

/// <summary>
/// Signs a request as a TracSeq service would (ServiceSignature from ServiceDefaults), with that service's key as this
/// run handed it to the services (<see cref="ServiceEnvironment"/>), for tests that call <c>/internal/…</c> routes directly.
/// </summary>
public static class ServiceIdentityHeader
{
    public const string Name = ServiceSignature.HeaderName;

    /// <summary>Adds the signature of <paramref name="caller"/> for this exact request to <paramref name="audience"/>.</summary>
    public static async Task SignAsync(HttpRequestMessage request, string caller = "templates", string audience = "samples", DateTimeOffset? at = null)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
        request.Headers.Remove(Name);
        request.Headers.Add(Name, ServiceSignature.Create(caller, audience, Key(caller), at ?? DateTimeOffset.UtcNow,
            request.Method.Method, request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString, body));
    }

    public static string Key(string service) =>
        Environment.GetEnvironmentVariable($"TracSeq__ServiceKeys__{service}") ?? throw new InvalidOperationException("No service is started.");
}
