using System.Net;
using System.Net.Sockets;

namespace TracSeq.Samples.Webhooks;

/// <summary>
/// Where a webhook may be sent (server-side request forgery): https only, and every address the host resolves to must
/// be public — not loopback, private (RFC 1918, carrier-grade NAT, IPv6 unique-local), link-local, multicast,
/// broadcast or unspecified. <c>TracSeq:Webhooks:AllowPrivateTargets</c> (local development only) allows http,
/// loopback and private addresses; link-local (169.254.0.0/16, where clouds answer metadata requests) never.
/// </summary>
public sealed class WebhookAddressPolicy(bool allowPrivateTargets)
{
    public const string AllowPrivateKey = "TracSeq:Webhooks:AllowPrivateTargets";
    public const int MaxUrlLength = 2000;

    public bool AllowPrivateTargets => allowPrivateTargets;

    /// <summary>Why <paramref name="address"/> is refused, or null when a webhook may go there.</summary>
    public string? Refuses(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [169, 254, _, _] => "link-local",
                [0, _, _, _] => "unspecified",
                [>= 224, _, _, _] => b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255 ? "broadcast" : b[0] < 240 ? "multicast" : "reserved",
                [127, _, _, _] => allowPrivateTargets ? null : "loopback",
                [10, _, _, _] or [192, 168, _, _] => allowPrivateTargets ? null : "private",
                [172, >= 16 and <= 31, _, _] => allowPrivateTargets ? null : "private",
                [100, >= 64 and <= 127, _, _] => allowPrivateTargets ? null : "private", // carrier-grade NAT
                _ => null,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address switch
            {
                _ when address.IsIPv6LinkLocal => "link-local",
                _ when address.IsIPv6SiteLocal => "site-local",
                _ when address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any) => "unspecified",
                _ when address.IsIPv6Multicast => "multicast",
                _ when IPAddress.IsLoopback(address) => allowPrivateTargets ? null : "loopback",
                _ when (b[0] & 0xFE) == 0xFC => allowPrivateTargets ? null : "private", // fc00::/7 unique-local
                _ => null,
            };
        }
        return "not an IP address";
    }

    /// <summary>The URL's own rules (scheme, no credentials, length); null when fine, else why not.</summary>
    public string? RefusesUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return $"url must be an absolute https URL of at most {MaxUrlLength} characters.";
        }
        if (parsed.Scheme != Uri.UriSchemeHttps && !(allowPrivateTargets && parsed.Scheme == Uri.UriSchemeHttp))
        {
            return "url must use https.";
        }
        if (!string.IsNullOrEmpty(parsed.UserInfo) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            return "url must not carry credentials or a fragment.";
        }
        uri = parsed;
        return null;
    }

    /// <summary>Resolves the host and checks every address; all must pass, or a second lookup could pick the bad one.</summary>
    public async Task<(IPAddress[] Addresses, string? Refusal)> ResolveAsync(string host, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException e)
        {
            return ([], $"the host {host} does not resolve ({e.SocketErrorCode}).");
        }
        catch (OperationCanceledException)
        {
            return ([], $"the host {host} did not resolve in time.");
        }
        if (addresses.Length == 0)
        {
            return ([], $"the host {host} does not resolve.");
        }
        foreach (var address in addresses)
        {
            if (Refuses(address) is { } why)
            {
                return (addresses, $"the host {host} resolves to {address}, a {why} address; webhooks go only to public addresses.");
            }
        }
        return (addresses, null);
    }
}
