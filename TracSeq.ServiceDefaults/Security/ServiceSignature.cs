using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// The signed service identity one TracSeq service puts on a call to another's <c>/internal/…</c> route, as pure
/// functions (no ASP.NET), so the end-to-end tests and the benchmarks sign exactly as the services do (they link this
/// file). Header <see cref="HeaderName"/> = <c>v2.{caller}.{audience}.{unix seconds}.{nonce}.{hex HMAC-SHA256}</c>,
/// keyed with the caller's own key (<c>TracSeq:ServiceKeys:{caller}</c>), over <see cref="Canonical"/>: the caller,
/// the called service, the time, a one-time nonce, the method, the raw path and query, and the SHA-256 of the body.
/// A captured header is good for that one request to that one service within <see cref="MaxAge"/>, once.
/// </summary>
public static class ServiceSignature
{
    public const string HeaderName = "X-TracSeq-Service";
    public const string Version = "v2";

    /// <summary>How far a signature's time may be from the receiver's clock, either way.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Service names are short lowercase words (they are also configuration keys and Redis key parts).</summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= 32 } && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');

    public static string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The text the HMAC covers; every field on its own line, so no field can run into the next.</summary>
    public static string Canonical(string caller, string audience, long seconds, string nonce, string method,
        string pathAndQuery, string bodySha256Hex) => string.Create(CultureInfo.InvariantCulture,
        $"TracSeq-Service-{Version}\n{caller}\n{audience}\n{seconds}\n{nonce}\n{method.ToUpperInvariant()}\n{pathAndQuery}\n{bodySha256Hex}");

    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexString(SHA256.HashData(body));

    public static string Create(string caller, string audience, string key, DateTimeOffset now, string method,
        string pathAndQuery, ReadOnlySpan<byte> body, string? nonce = null)
    {
        var seconds = now.ToUnixTimeSeconds();
        nonce ??= NewNonce();
        var signature = Sign(Canonical(caller, audience, seconds, nonce, method, pathAndQuery, BodyHash(body)), key);
        return string.Create(CultureInfo.InvariantCulture, $"{Version}.{caller}.{audience}.{seconds}.{nonce}.{signature}");
    }

    /// <summary>A header's fields, before anything is believed: who it claims to be, for whom, when, and its nonce.</summary>
    public sealed record Claimed(string Caller, string Audience, long Seconds, string Nonce, string Signature);

    public static Claimed? Parse(string? header)
    {
        var parts = header?.Split('.');
        if (parts is not { Length: 6 } || parts[0] != Version || !IsName(parts[1]) || !IsName(parts[2]) ||
            !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            parts[4].Length is < 16 or > 64 || parts[5].Length != 64)
        {
            return null;
        }
        return new Claimed(parts[1], parts[2], seconds, parts[4], parts[5]);
    }

    /// <summary>
    /// Whether <paramref name="claimed"/> is a fresh signature by the holder of <paramref name="callerKey"/> for exactly
    /// this request to <paramref name="audience"/>. The nonce's one-time use is the receiver's to check.
    /// </summary>
    public static bool Verify(Claimed claimed, string callerKey, string audience, DateTimeOffset now, string method,
        string pathAndQuery, string bodySha256Hex)
    {
        if (claimed.Audience != audience || Math.Abs(now.ToUnixTimeSeconds() - claimed.Seconds) > MaxAge.TotalSeconds)
        {
            return false;
        }
        var expected = Sign(Canonical(claimed.Caller, claimed.Audience, claimed.Seconds, claimed.Nonce, method, pathAndQuery, bodySha256Hex), callerKey);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(claimed.Signature));
    }

    /// <summary>
    /// The client's address, vouched for by the service that saw it (the web front end to the gateway, the gateway to
    /// Auth): header <see cref="ClientAddressHeader"/> = <c>{address};{signer};{audience};{unix seconds};{hex HMAC}</c>
    /// over the address, signer, audience, time, method and raw path. No body and no nonce: the gateway forwards bodies
    /// as they stream, and replaying it can only repeat the same claim for the same route within the minute.
    /// </summary>
    public const string ClientAddressHeader = "X-TracSeq-Client-Address";

    public static string CreateClientAddress(string address, string signer, string audience, string key, DateTimeOffset now,
        string method, string pathAndQuery)
    {
        var seconds = now.ToUnixTimeSeconds();
        var signature = Sign(ClientAddressCanonical(address, signer, audience, seconds, method, pathAndQuery), key);
        return string.Create(CultureInfo.InvariantCulture, $"{address};{signer};{audience};{seconds};{signature}");
    }

    /// <summary>The signer and address a client-address header claims, before anything is believed.</summary>
    public static (string Address, string Signer, string Audience, long Seconds, string Signature)? ParseClientAddress(string? header)
    {
        var parts = header?.Split(';');
        return parts is { Length: 5 } && parts[0].Length is > 0 and <= 64 && IsName(parts[1]) && IsName(parts[2]) &&
               long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && parts[4].Length == 64
            ? (parts[0], parts[1], parts[2], seconds, parts[4])
            : null;
    }

    public static bool VerifyClientAddress((string Address, string Signer, string Audience, long Seconds, string Signature) claimed,
        string signerKey, string audience, DateTimeOffset now, string method, string pathAndQuery)
    {
        if (claimed.Audience != audience || Math.Abs(now.ToUnixTimeSeconds() - claimed.Seconds) > MaxAge.TotalSeconds)
        {
            return false;
        }
        var expected = Sign(ClientAddressCanonical(claimed.Address, claimed.Signer, claimed.Audience, claimed.Seconds, method, pathAndQuery), signerKey);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(claimed.Signature));
    }

    private static string ClientAddressCanonical(string address, string signer, string audience, long seconds, string method, string pathAndQuery) =>
        string.Create(CultureInfo.InvariantCulture,
            $"TracSeq-Client-Address-{Version}\n{address}\n{signer}\n{audience}\n{seconds}\n{method.ToUpperInvariant()}\n{pathAndQuery}");

    private static string Sign(string canonical, string key) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(canonical)));
}
