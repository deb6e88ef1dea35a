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
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas of Auth start together: one creates the key, the others wait and load it. Without the lock each
        // could create its own and publish only that one, and a token signed by one replica would be refused by a
        // service that fetched its keys from another.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('tracseq-signing-key'))", transaction: tx);
        var stored = await LoadAsync(connection, tx);
        if (stored.Count == 0)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
            await connection.ExecuteAsync(
                "INSERT INTO signing_keys (kid, algorithm, private_key) VALUES (@kid, @algorithm, @privateKey)",
                new { kid, algorithm = TokenDefaults.Algorithm, privateKey = key.ExportPkcs8PrivateKey() }, tx);
            logger.LogInformation("Created signing key {Kid}", kid);
            stored = await LoadAsync(connection, tx);
        }
        await tx.CommitAsync(cancellationToken);
        _keys = stored;
        logger.LogInformation("Signing with key {Kid}; {Count} key(s) published", stored[0].KeyId, stored.Count);
    }

    private static async Task<IReadOnlyList<ECDsaSecurityKey>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        var rows = await connection.QueryAsync<(string Kid, byte[] PrivateKey)>(
            "SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC", transaction: tx);
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
