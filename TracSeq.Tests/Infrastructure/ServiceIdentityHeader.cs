using Microsoft.Extensions.DependencyInjection;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Tests.Infrastructure;

/// <summary>
/// Signs a request as a TracSeq service would (ServiceSignature, linked from ServiceDefaults), with that service's key
/// from the AppHost (parameter <c>service-key-{caller}</c>), for tests that call <c>/internal/…</c> routes directly.
/// </summary>
public static class ServiceIdentityHeader
{
    public const string Name = ServiceSignature.HeaderName;

    /// <summary>Adds the signature of <paramref name="caller"/> for this exact request to <paramref name="audience"/>.</summary>
    public static async Task SignAsync(AppHostFixture fixture, HttpRequestMessage request, string caller = "templates",
        string audience = "samples", DateTimeOffset? at = null)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
        request.Headers.Remove(Name);
        request.Headers.Add(Name, ServiceSignature.Create(caller, audience, await KeyAsync(fixture, caller), at ?? DateTimeOffset.UtcNow,
            request.Method.Method, request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString, body));
    }

    public static async Task<string> KeyAsync(AppHostFixture fixture, string service)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == $"service-key-{service}");
        return (await ((IValueProvider)parameter).GetValueAsync())!;
    }
}
