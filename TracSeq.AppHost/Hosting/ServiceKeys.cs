namespace TracSeq.AppHost.Hosting;

/// <summary>
/// Service identity (ServiceDefaults' ServiceIdentity): every service that calls another's <c>/internal</c> routes, or
/// vouches for a client's address, signs with its own generated key (parameter <c>service-key-{name}</c>, kept in the
/// AppHost's user secrets). A service is given its own key and the keys of exactly the services it accepts calls from,
/// as <c>TracSeq__ServiceKeys__{name}</c>; no key is shared by all.
/// </summary>
public sealed class ServiceKeys(IDistributedApplicationBuilder builder)
{
    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _keys = new(StringComparer.Ordinal);

    public IResourceBuilder<ParameterResource> For(string service)
    {
        if (!_keys.TryGetValue(service, out var key))
        {
            key = builder.AddParameter($"service-key-{service}",
                new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
            _keys[service] = key;
        }
        return key;
    }
}

public static class ServiceKeyExtensions
{
    /// <summary>Gives <paramref name="service"/> the keys it signs with (<paramref name="signsAs"/>) and verifies (<paramref name="accepts"/>).</summary>
    public static IResourceBuilder<ProjectResource> WithServiceKeys(this IResourceBuilder<ProjectResource> service, ServiceKeys keys,
        string? signsAs = null, params string[] accepts)
    {
        foreach (var name in accepts.Prepend(signsAs).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            service.WithEnvironment($"TracSeq__ServiceKeys__{name}", keys.For(name));
        }
        return service;
    }
}
