using System.Security.Cryptography;
using Dapper;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Auth.Tokens;

/// <summary>
/// The ES256 keys access tokens are signed with. Created at first start and kept in <c>authdb</c>, so tokens issued
/// before a restart of Auth stay valid. Every active key is published (JWKS); the newest signs. Auth validates its own
/// tokens with these keys directly, which is why this is also the JwtBearer configuration source here.
/// </summary>
public sealed class SigningKeyStore(NpgsqlDataSource db, ILogger<SigningKeyStore> logger)
    : IHostedService, IConfigurationManager<OpenIdConnectConfiguration>
{
    private IReadOnlyList<ECDsaSecurityKey> _keys = [];

    public SigningCredentials SigningCredentials =>
        new(_keys.Count > 0 ? _keys[0] : throw new InvalidOperationException("Signing keys are not loaded yet."), TokenDefaults.Algorithm);

    /// <summary>The public halves, as a JSON Web Key Set.</summary>
    public JsonWebKeySet PublicKeySet()
    {
        var set = new JsonWebKeySet();
        foreach (var key in _keys)
        {
            var publicOnly = new ECDsaSecurityKey(ECDsa.Create(key.ECDsa.ExportParameters(includePrivateParameters: false))) { KeyId = key.KeyId };
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(publicOnly);
            jwk.Use = JsonWebKeyUseNames.Sig;
            jwk.Alg = TokenDefaults.Algorithm;
            set.Keys.Add(jwk);
        }
        return set;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var stored = await LoadAsync(connection);
        if (stored.Count == 0)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
            // Two instances starting together may both create one; both are then published and either may sign.
            await connection.ExecuteAsync(
                "INSERT INTO signing_keys (kid, algorithm, private_key) VALUES (@kid, @algorithm, @privateKey)",
                new { kid, algorithm = TokenDefaults.Algorithm, privateKey = key.ExportPkcs8PrivateKey() });
            logger.LogInformation("Created signing key {Kid}", kid);
            stored = await LoadAsync(connection);
        }
        _keys = stored;
        logger.LogInformation("Signing with key {Kid}; {Count} key(s) published", stored[0].KeyId, stored.Count);
    }

    private static async Task<IReadOnlyList<ECDsaSecurityKey>> LoadAsync(NpgsqlConnection connection)
    {
        var rows = await connection.QueryAsync<(string Kid, byte[] PrivateKey)>(
            "SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC");
        return rows.Select(row =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(row.PrivateKey, out _);
            return new ECDsaSecurityKey(ecdsa) { KeyId = row.Kid };
        }).ToList();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = TokenDefaults.Issuer };
        foreach (var key in _keys)
        {
            configuration.SigningKeys.Add(key);
        }
        return Task.FromResult(configuration);
    }

    public void RequestRefresh()
    {
        // Keys live in this process; there is nothing to fetch again.
    }
}
