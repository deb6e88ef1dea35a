using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceTests.Infrastructure;

/// <summary>A signed-in user as a token carries them.</summary>
public sealed record TestIdentity(Guid Id, string Email, string Role)
{
    /// <summary>The <c>name</c> claim, as Auth puts the user's display name in.</summary>
    public string DisplayName => $"Test {Role}";
}

/// <summary>
/// Stands in for Auth for every service but Auth: signs ES256 access tokens with the claims Auth's
/// <c>AccessTokenIssuer</c> puts in (<c>sub</c>, <c>email</c>, <c>name</c>, <c>role</c>, <c>jti</c>, <c>ver</c>, issuer and
/// audience from <see cref="TokenDefaults"/>), and hands the service its public key the way Auth's discovery document
/// would, so the service checks them with its own unchanged JwtBearer setup and revocation check.
/// One user per role, made on first use and kept for the run.
/// </summary>
public sealed class TestTokenIssuer
{
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = $"service-tier-{Guid.NewGuid():N}"[..24] };
    private readonly ConcurrentDictionary<string, TestIdentity> _users = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>What a service's JwtBearer options take instead of fetching Auth's discovery document.</summary>
    public IConfigurationManager<OpenIdConnectConfiguration> Keys
    {
        get
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = TokenDefaults.Issuer };
            configuration.SigningKeys.Add(_key);
            return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        }
    }

    /// <summary>Every user handed out so far (one per role, plus any made with <see cref="NewUser"/>).</summary>
    public IReadOnlyList<TestIdentity> Users => [.. _users.Values];

    /// <summary>A user of <paramref name="role"/> of their own, not the run's shared one of that role.</summary>
    public TestIdentity NewUser(string role) =>
        _users.GetOrAdd($"{role}#{Guid.NewGuid():N}",
            _ => new TestIdentity(Guid.NewGuid(), $"{role.Replace('_', '.')}.{Guid.NewGuid():N}@lab.example.org", role));

    public TestIdentity User(string role) =>
        _users.GetOrAdd(role, r => new TestIdentity(Guid.NewGuid(), $"{r.Replace('_', '.')}.{Guid.NewGuid():N}@lab.example.org", r));

    public string TokenFor(string role) => TokenFor(User(role));

    public string TokenFor(TestIdentity user)
    {
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenDefaults.Issuer,
            Audience = TokenDefaults.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TokenDefaults.AccessTokenLifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Id.ToString(),
                ["email"] = user.Email,
                ["name"] = user.DisplayName,
                ["role"] = user.Role,
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["ver"] = 0,
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
