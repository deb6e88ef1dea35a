using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// The JWT handler with a cache of tokens it has already validated, keyed by the exact token string and kept no longer
/// than the token lives (as Envoy's JWT filter does). An ES256 signature check costs far more CPU than the rest of a
/// cached read, and a client sends the same token on every request for its 15 minutes.
/// <para>
/// What a hit still checks: the token must have been valid when first seen (signature, issuer, audience, algorithm,
/// lifetime), the entry expires at the token's own <c>exp</c> (stricter than the clock skew validation allows), and
/// the key that signed it must still be one of the published signing keys (a withdrawn key ends its tokens at once).
/// Revocation is not cached here: <see cref="RevocationCheck"/> runs on every request, after this handler.
/// The cache is bounded (<see cref="MaxEntries"/>); when full, new tokens are validated in full and simply not kept.
/// </para>
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler, IDisposable
{
    public const int MaxEntries = 10_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions
    {
        SizeLimit = MaxEntries,
        ExpirationScanFrequency = TimeSpan.FromMinutes(1),
    });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out TokenValidationResult? known) && known is not null &&
            await SignedByCurrentKeyAsync(known, validationParameters))
        {
            return Copy(known);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo > DateTime.UtcNow)
        {
            _validated.Set(token, result, new MemoryCacheEntryOptions
            {
                AbsoluteExpiration = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
                Size = 1,
            });
            return Copy(result);
        }
        return result;
    }

    /// <summary>
    /// The key id that signed the token is still among the keys Auth publishes now. JwtBearer hands the handler either
    /// the keys themselves or (with a metadata address) the configuration manager that holds the current key set, which
    /// it refreshes by itself; asking it costs no call to Auth while its copy is fresh.
    /// </summary>
    private static async Task<bool> SignedByCurrentKeyAsync(TokenValidationResult known, TokenValidationParameters parameters)
    {
        var kid = (known.SecurityToken as JsonWebToken)?.Kid;
        if (string.IsNullOrEmpty(kid))
        {
            return false; // validate in full: nothing to match the current keys against
        }
        if (parameters.IssuerSigningKey?.KeyId == kid || parameters.IssuerSigningKeys?.Any(k => k.KeyId == kid) == true)
        {
            return true;
        }
        if (parameters.ConfigurationManager is { } manager)
        {
            var configuration = await manager.GetBaseConfigurationAsync(CancellationToken.None);
            return configuration?.SigningKeys.Any(k => k.KeyId == kid) == true;
        }
        return false;
    }

    /// <summary>
    /// Each request gets its own identity: claims transformation or a handler may add claims to it, and that must not
    /// leak into the next request carrying the same token.
    /// </summary>
    private static TokenValidationResult Copy(TokenValidationResult known) => new()
    {
        IsValid = true,
        ClaimsIdentity = known.ClaimsIdentity.Clone(),
        SecurityToken = known.SecurityToken,
        Issuer = known.Issuer,
        TokenType = known.TokenType,
    };

    public void Dispose() => _validated.Dispose();
}
