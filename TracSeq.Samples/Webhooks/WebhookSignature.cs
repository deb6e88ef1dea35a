using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TracSeq.Samples.Webhooks;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> + base64 of HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, keyed with
/// the secret's decoded bytes (the base64 after <c>whsec_</c>). Several signatures are space-separated (rotation).
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const int SecretBytes = 32; // the specification allows 24 to 64

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The HMAC key of a <c>whsec_</c> secret.</summary>
    public static byte[] KeyOf(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new FormatException("A webhook secret starts with whsec_.");

    public static string Sign(string id, long timestamp, string body, byte[] key)
    {
        var signed = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The <c>webhook-signature</c> header: one signature per key, newest first.</summary>
    public static string Header(string id, long timestamp, string body, IEnumerable<byte[]> keys) =>
        string.Join(' ', keys.Select(key => Sign(id, timestamp, body, key)));
}
