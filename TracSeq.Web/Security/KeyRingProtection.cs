using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace TracSeq.Web.Security;

/// <summary>
/// The Data Protection key ring (which encrypts the session cookie and antiforgery tokens) lives in Redis, shared by
/// every replica; whoever can read Redis must not be able to read the keys. Each key is encrypted at rest with
/// AES-256-GCM under a key derived from <see cref="SettingKey"/> (AppHost parameter <c>web-key-ring-key</c>, Kubernetes
/// secret <c>tracseq-web-key-ring</c>): one secret string, the same in both modes, and none built in.
/// </summary>
public static class KeyRingProtection
{
    public const string SettingKey = "Web:KeyRingKey";
    public const int MinimumLength = 32;

    /// <summary>The 256-bit key for the ring: SHA-256 of the configured secret (at least <see cref="MinimumLength"/> characters).</summary>
    public static byte[] KeyFrom(IConfiguration configuration) =>
        configuration[SettingKey] is { Length: >= MinimumLength } secret
            ? SHA256.HashData(Encoding.UTF8.GetBytes(secret))
            : throw new InvalidOperationException(
                $"{SettingKey} is not set (at least {MinimumLength} characters): the web front end will not keep its key ring in clear.");

    internal const string ElementName = "aesGcmEncryptedKey";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static XElement Encrypt(XElement plaintext, byte[] key)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return new XElement(ElementName,
            new XComment(" Encrypted with AES-256-GCM under Web:KeyRingKey. "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
    }

    public static XElement Decrypt(XElement encrypted, byte[] key)
    {
        var sealedBytes = Convert.FromBase64String((string?)encrypted.Element("value")
                                                   ?? throw new CryptographicException("The encrypted key has no value."));
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The encrypted key is too short.");
        }
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain);
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }

    /// <summary>The encryptor Data Protection calls for each new key.</summary>
    public sealed class Encryptor(byte[] key) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
            new(KeyRingProtection.Encrypt(plaintextElement, key), typeof(Decryptor));
    }

    /// <summary>Created by Data Protection (by type, with the service provider) to read a stored key.</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement) =>
            KeyRingProtection.Decrypt(encryptedElement, KeyFrom(services.GetRequiredService<IConfiguration>()));
    }
}
