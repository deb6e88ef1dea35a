using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Tokens;

/// <summary>
/// The OpenID Connect discovery document and JWKS that every service and the gateway read once to validate tokens
/// locally. The JWKS address is built from the request, so it is reachable by whoever fetched the document.
/// </summary>
public static class DiscoveryApi
{
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/.well-known").AllowAnonymous().ExcludeFromDescription();
        wellKnown.MapGet("/openid-configuration", (HttpRequest request) => TypedResults.Json(new Dictionary<string, object>
        {
            ["issuer"] = TokenDefaults.Issuer,
            ["jwks_uri"] = $"{request.Scheme}://{request.Host}/.well-known/jwks.json",
            ["id_token_signing_alg_values_supported"] = new[] { TokenDefaults.Algorithm },
            ["token_endpoint_auth_methods_supported"] = new[] { "none" },
        }));
        wellKnown.MapGet("/jwks.json", (SigningKeyStore keys) => TypedResults.Json(keys.PublicKeySet()));
        return app;
    }
}
