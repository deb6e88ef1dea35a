using System.Net;
using TracSeq.Samples.Webhooks;

namespace TracSeq.UnitTests.Webhooks;

/// <summary>Where webhooks may go (server-side request forgery), with and without <c>AllowPrivateTargets</c>.</summary>
public sealed class WebhookAddressPolicyTests
{
    private static readonly WebhookAddressPolicy Production = new(allowPrivateTargets: false);
    private static readonly WebhookAddressPolicy LocalDevelopment = new(allowPrivateTargets: true);

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("100.64.0.1", "private")]
    [InlineData("fd00::1", "private")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    public void Internal_addresses_are_refused_in_production(string address, string why)
    {
        Production.Refuses(IPAddress.Parse(address)).ShouldBe(why);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_allowed(string address)
    {
        Production.Refuses(IPAddress.Parse(address)).ShouldBeNull();
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("10.1.2.3", null)]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    public void Local_development_allows_loopback_and_private_but_never_link_local(string address, string? why)
    {
        LocalDevelopment.Refuses(IPAddress.Parse(address)).ShouldBe(why);
    }

    [Theory]
    [InlineData("http://hooks.example.org/x", false, "url must use https.")]
    [InlineData("http://hooks.example.org/x", true, null)]
    [InlineData("https://user:pw@hooks.example.org/x", false, "url must not carry credentials or a fragment.")]
    [InlineData("ftp://hooks.example.org/x", true, "url must use https.")]
    [InlineData("hooks.example.org", false, "url must be an absolute https URL of at most 2000 characters.")]
    [InlineData("https://hooks.example.org/x", false, null)]
    public void The_url_must_be_https_unless_local_development_allows_http(string url, bool allowPrivate, string? why)
    {
        new WebhookAddressPolicy(allowPrivate).RefusesUrl(url, out _).ShouldBe(why);
    }

    [Fact]
    public async Task A_host_is_checked_by_every_address_it_resolves_to()
    {
        (await Production.ResolveAsync("169.254.169.254", CancellationToken.None)).Refusal!.ShouldContain("link-local");
        (await Production.ResolveAsync("localhost", CancellationToken.None)).Refusal!.ShouldContain("loopback");
        (await LocalDevelopment.ResolveAsync("localhost", CancellationToken.None)).Refusal.ShouldBeNull();
        (await Production.ResolveAsync("[::1]", CancellationToken.None)).Refusal!.ShouldContain("loopback");
    }
}
