using System.Text;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.UnitTests.Security;

/// <summary>
/// The service identity's canonical form: a signature is good for one request (method, path and query, body) to one
/// service, by the holder of the caller's own key, within a minute.
/// </summary>
public sealed class ServiceSignatureTests
{
    private const string TemplatesKey = "templates-key-0123456789abcdef0123456789";
    private const string SequencingKey = "sequencing-key-0123456789abcdef012345678";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"submissionId":"1","samples":[]}""");

    private static string Header(string caller = "templates", string audience = "samples", string key = TemplatesKey,
        string method = "POST", string target = "/internal/samples/batch", byte[]? body = null) =>
        ServiceSignature.Create(caller, audience, key, Now, method, target, body ?? Body);

    private static bool Verifies(string header, string key = TemplatesKey, string audience = "samples", DateTimeOffset? now = null,
        string method = "POST", string target = "/internal/samples/batch", byte[]? body = null) =>
        ServiceSignature.Parse(header) is { } claimed &&
        ServiceSignature.Verify(claimed, key, audience, now ?? Now, method, target, ServiceSignature.BodyHash(body ?? Body));

    [Fact]
    public void The_signed_request_itself_verifies() => Verifies(Header()).ShouldBeTrue();

    [Fact]
    public void Another_method_path_query_or_body_does_not()
    {
        var header = Header();

        Verifies(header, method: "PUT").ShouldBeFalse();
        Verifies(header, target: "/internal/samples/run-status").ShouldBeFalse();
        Verifies(header, target: "/internal/samples/batch?dryRun=true").ShouldBeFalse();
        Verifies(header, body: Encoding.UTF8.GetBytes("""{"submissionId":"2","samples":[]}""")).ShouldBeFalse();
        Verifies(header, body: []).ShouldBeFalse();
    }

    [Fact]
    public void A_signature_is_for_one_service_only()
    {
        Verifies(Header(audience: "sequencing"), audience: "samples").ShouldBeFalse();
        Verifies(Header(audience: "samples"), audience: "templates").ShouldBeFalse();
    }

    [Fact]
    public void Another_services_key_cannot_sign_as_the_caller()
    {
        // Sequencing holds its own key, not Templates': it cannot pass for Templates.
        var forged = Header(caller: "templates", key: SequencingKey);
        ServiceSignature.Parse(forged)!.Caller.ShouldBe("templates");
        Verifies(forged, key: TemplatesKey).ShouldBeFalse();
        // Renaming the caller in a genuine header breaks it too.
        var renamed = Header(caller: "sequencing", key: SequencingKey).Replace("v2.sequencing.", "v2.templates.", StringComparison.Ordinal);
        Verifies(renamed, key: TemplatesKey).ShouldBeFalse();
    }

    [Fact]
    public void A_signature_lives_one_minute_either_way()
    {
        var header = Header();
        Verifies(header, now: Now.AddSeconds(60)).ShouldBeTrue();
        Verifies(header, now: Now.AddSeconds(-60)).ShouldBeTrue();
        Verifies(header, now: Now.AddSeconds(61)).ShouldBeFalse();
        Verifies(header, now: Now.AddMinutes(-5)).ShouldBeFalse();
    }

    [Fact]
    public void Every_signature_carries_its_own_nonce()
    {
        var first = ServiceSignature.Parse(Header())!;
        var second = ServiceSignature.Parse(Header())!;
        first.Nonce.ShouldNotBe(second.Nonce);
        first.Signature.ShouldNotBe(second.Signature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("templates.1800000000.0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")] // the old form
    [InlineData("v2.Templates.samples.1800000000.00112233445566778899AABBCCDDEEFF.0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("v2.templates.samples.-5.00112233445566778899AABBCCDDEEFF.0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("v2.templates.samples.1800000000.short.0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("v2.templates.samples.1800000000.00112233445566778899AABBCCDDEEFF.abc")]
    public void Malformed_headers_are_not_parsed(string? header) => ServiceSignature.Parse(header).ShouldBeNull();

    [Fact]
    public void A_signed_client_address_verifies_only_as_signed()
    {
        var header = ServiceSignature.CreateClientAddress("198.51.100.7", "web", "gateway", TemplatesKey, Now, "POST", "/api/auth/login");
        var claimed = ServiceSignature.ParseClientAddress(header)!.Value;
        claimed.Address.ShouldBe("198.51.100.7");

        ServiceSignature.VerifyClientAddress(claimed, TemplatesKey, "gateway", Now, "POST", "/api/auth/login").ShouldBeTrue();
        ServiceSignature.VerifyClientAddress(claimed, SequencingKey, "gateway", Now, "POST", "/api/auth/login").ShouldBeFalse();
        ServiceSignature.VerifyClientAddress(claimed, TemplatesKey, "auth", Now, "POST", "/api/auth/login").ShouldBeFalse();
        ServiceSignature.VerifyClientAddress(claimed, TemplatesKey, "gateway", Now, "POST", "/api/auth/refresh").ShouldBeFalse();
        ServiceSignature.VerifyClientAddress(claimed, TemplatesKey, "gateway", Now.AddMinutes(2), "POST", "/api/auth/login").ShouldBeFalse();
        var otherAddress = ServiceSignature.ParseClientAddress(header.Replace("198.51.100.7", "203.0.113.9", StringComparison.Ordinal))!.Value;
        ServiceSignature.VerifyClientAddress(otherAddress, TemplatesKey, "gateway", Now, "POST", "/api/auth/login").ShouldBeFalse();
    }
}
