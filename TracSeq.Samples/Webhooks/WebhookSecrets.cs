using System.Security.Cryptography;
using System.Text;

namespace TracSeq.Samples.Webhooks;

/// <summary>
/// Seals subscription secrets at rest with AES-256-GCM under a key derived (HKDF-SHA256) from
/// <c>TracSeq:Webhooks:SecretsKey</c> (the AppHost's secret parameter <c>webhook-secrets-key</c>; never in the
/// database): a copy of the database alone reveals no signing secret, and every replica derives the same key with
/// nothing to share or keep in Redis. Changing that key makes the stored secrets unreadable: rotate each
/// subscription's secret afterwards.
/// </summary>
public sealed class WebhookSecrets
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[]? _key;

    public const string SecretsKeySetting = "TracSeq:Webhooks:SecretsKey";

    public WebhookSecrets(IConfiguration configuration)
    {
        if (configuration[SecretsKeySetting] is { Length: > 0 } secretsKey)
        {
            _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secretsKey), 32,
                salt: [], info: Encoding.ASCII.GetBytes("tracseq webhook secrets v1"));
        }
    }

    /// <summary>False when the service secret is not configured: subscriptions cannot be created or signed.</summary>
    public bool Available => _key is not null;

    public byte[] Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return sealedBytes;
    }

    public string Open(byte[] sealedBytes)
    {
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private byte[] Key => _key ?? throw new InvalidOperationException($"{SecretsKeySetting} is not set: webhook secrets cannot be sealed.");
}
