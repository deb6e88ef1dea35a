using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.UnitTests.Security;

/// <summary>Who a service believes about the client when nobody configured anything, and the browser-facing headers.</summary>
public sealed class EdgeDefaultsTests
{
    private static ForwardedHeadersOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        return new ServiceCollection().AddTracSeqForwardedHeaders(configuration).BuildServiceProvider()
            .GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
    }

    [Fact]
    public void By_default_no_proxy_is_believed_not_even_loopback()
    {
        var options = Options();

        options.ForwardedHeaders.ShouldBe(ForwardedHeaders.None);
        options.KnownProxies.ShouldNotContain(IPAddress.IPv6Loopback);
        options.KnownIPNetworks.ShouldBeEmpty();
    }

    [Fact]
    public void A_configured_network_is_believed_for_the_address_and_the_scheme()
    {
        var options = Options(("ForwardedHeaders:KnownNetworks:0", "10.244.0.0/16"));

        options.ForwardedHeaders.ShouldBe(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        options.KnownIPNetworks.ShouldHaveSingleItem().ToString().ShouldBe("10.244.0.0/16");
        options.KnownProxies.ShouldBeEmpty();
    }

    [Fact]
    public void Pages_and_the_API_get_nosniff_no_framing_and_a_policy_without_inline_script()
    {
        IHeaderDictionary page = new HeaderDictionary();
        SecurityHeaders.Apply(page, SecurityHeaders.PagePolicy);
        IHeaderDictionary api = new HeaderDictionary();
        SecurityHeaders.Apply(api, SecurityHeaders.ApiPolicy);

        foreach (var headers in new[] { page, api })
        {
            headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
            headers.XFrameOptions.ToString().ShouldBe("DENY");
            headers.ContentSecurityPolicy.ToString().ShouldContain("frame-ancestors 'none'");
            headers["Referrer-Policy"].ToString().ShouldBe("no-referrer");
        }
        var scripts = page.ContentSecurityPolicy.ToString().Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src", StringComparison.Ordinal));
        scripts.ShouldBe("script-src 'self'");
        page.ContentSecurityPolicy.ToString().ShouldContain("object-src 'none'");
        page.ContentSecurityPolicy.ToString().ShouldContain("form-action 'self'");
    }
}
