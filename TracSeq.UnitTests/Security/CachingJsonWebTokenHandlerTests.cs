using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.UnitTests.Security;

/// <summary>The validated-token cache keeps every check a first validation makes, and never outlives its token or key.</summary>
public sealed class CachingJsonWebTokenHandlerTests : IDisposable
{
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-1" };
    private readonly CachingJsonWebTokenHandler _handler = new();

    private TokenValidationParameters Parameters(params SecurityKey[] keys) => new()
    {
        ValidIssuer = TokenDefaults.Issuer,
        ValidAudience = TokenDefaults.Audience,
        ValidAlgorithms = [TokenDefaults.Algorithm],
        IssuerSigningKeys = keys.Length == 0 ? [_key] : keys,
        ClockSkew = TimeSpan.Zero,
    };

    private string Token(DateTime expires, string audience = TokenDefaults.Audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = TokenDefaults.Issuer,
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", "user-1"), new Claim("role", "guest")]),
        NotBefore = expires.AddMinutes(-20),
        Expires = expires,
        IssuedAt = expires.AddMinutes(-20),
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
    });

    [Fact]
    public async Task A_valid_token_is_validated_once_and_each_request_gets_its_own_identity()
    {
        var token = Token(DateTime.UtcNow.AddMinutes(10));

        var first = await _handler.ValidateTokenAsync(token, Parameters());
        var second = await _handler.ValidateTokenAsync(token, Parameters());

        first.IsValid.ShouldBeTrue();
        second.IsValid.ShouldBeTrue();
        second.SecurityToken.ShouldBeSameAs(first.SecurityToken); // served from the cache: the same parsed token
        second.ClaimsIdentity.ShouldNotBeSameAs(first.ClaimsIdentity);
        second.ClaimsIdentity.FindFirst("sub")!.Value.ShouldBe("user-1");
        first.ClaimsIdentity.AddClaim(new Claim("added", "by a handler"));
        (await _handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity.FindFirst("added").ShouldBeNull();
    }

    [Fact]
    public async Task An_invalid_token_is_never_cached()
    {
        var foreign = Token(DateTime.UtcNow.AddMinutes(10), audience: "someone-else");

        (await _handler.ValidateTokenAsync(foreign, Parameters())).IsValid.ShouldBeFalse();
        (await _handler.ValidateTokenAsync(foreign, Parameters())).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task A_token_whose_key_is_withdrawn_is_validated_again_and_refused()
    {
        var token = Token(DateTime.UtcNow.AddMinutes(10));
        (await _handler.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        var otherKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-2" };
        (await _handler.ValidateTokenAsync(token, Parameters(otherKey))).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task An_expired_token_is_refused_even_after_a_cached_success()
    {
        var token = Token(DateTime.UtcNow.AddSeconds(2));
        (await _handler.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        // Poll until the entry has expired with its token (no fixed sleep): at most a few seconds past exp.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        TokenValidationResult result;
        do
        {
            await Task.Delay(100);
            result = await _handler.ValidateTokenAsync(token, Parameters());
        }
        while (result.IsValid && DateTime.UtcNow < deadline);

        result.IsValid.ShouldBeFalse();
        result.Exception.ShouldBeOfType<SecurityTokenExpiredException>();
    }

    public void Dispose()
    {
        _handler.Dispose();
        _key.ECDsa.Dispose();
    }
}

/// <summary>As JwtBearer calls it with a metadata address: keys come from the configuration manager, not the parameters.</summary>
public sealed class CachingJsonWebTokenHandlerWithConfigurationManagerTests : IDisposable
{
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-1" };
    private readonly CachingJsonWebTokenHandler _handler = new();

    private TokenValidationParameters Parameters(SecurityKey key)
    {
        var configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration { Issuer = TokenDefaults.Issuer };
        configuration.SigningKeys.Add(key);
        return new TokenValidationParameters
        {
            ValidIssuer = TokenDefaults.Issuer,
            ValidAudience = TokenDefaults.Audience,
            ValidAlgorithms = [TokenDefaults.Algorithm],
            ConfigurationManager =
                new Microsoft.IdentityModel.Protocols.StaticConfigurationManager<
                    Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration>(configuration),
        };
    }

    [Fact]
    public async Task The_cache_is_used_and_a_withdrawn_key_still_ends_its_tokens()
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenDefaults.Issuer,
            Audience = TokenDefaults.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });

        var first = await _handler.ValidateTokenAsync(token, Parameters(_key));
        var second = await _handler.ValidateTokenAsync(token, Parameters(_key));
        var otherKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "key-2" };
        var afterRotation = await _handler.ValidateTokenAsync(token, Parameters(otherKey));

        first.IsValid.ShouldBeTrue();
        second.SecurityToken.ShouldBeSameAs(first.SecurityToken); // a cache hit, no second signature check
        afterRotation.IsValid.ShouldBeFalse();
    }

    public void Dispose()
    {
        _handler.Dispose();
        _key.ECDsa.Dispose();
    }
}
