using System.Security.Cryptography;
using System.Text;
using TracSeq.Samples.Webhooks;

namespace TracSeq.UnitTests.Webhooks;

/// <summary>The signature against the Standard Webhooks algorithm, computed here independently of the product's code.</summary>
public sealed class WebhookSignatureTests
{
    // The specification's own example: this secret, id, timestamp and body sign to this value.
    [Fact]
    public void The_specifications_example_signs_to_its_published_signature()
    {
        var key = WebhookSignature.KeyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        var signature = WebhookSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""", key);

        signature.ShouldBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public void A_new_secret_is_whsec_and_32_random_bytes_and_signs_what_an_independent_hmac_computes()
    {
        var secret = WebhookSignature.NewSecret();
        secret.ShouldStartWith("whsec_");
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        key.Length.ShouldBeInRange(24, 64);
        WebhookSignature.NewSecret().ShouldNotBe(secret);

        const string body = """{"type":"sample.created","timestamp":"2026-01-01T00:00:00Z","data":{"barcode":"TS-1"}}""";
        using var hmac = new HMACSHA256(key);
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"evt_1.1700000000.{body}")));

        WebhookSignature.Sign("evt_1", 1700000000, body, key).ShouldBe($"v1,{expected}");
    }

    [Fact]
    public void While_a_rotated_secret_overlaps_the_header_carries_both_signatures_space_separated()
    {
        var current = WebhookSignature.KeyOf(WebhookSignature.NewSecret());
        var previous = WebhookSignature.KeyOf(WebhookSignature.NewSecret());

        var header = WebhookSignature.Header("evt_2", 42, "{}", [current, previous]);

        header.Split(' ').ShouldBe([WebhookSignature.Sign("evt_2", 42, "{}", current), WebhookSignature.Sign("evt_2", 42, "{}", previous)]);
    }

    [Fact]
    public void A_secret_without_the_whsec_prefix_is_refused()
    {
        Should.Throw<FormatException>(() => WebhookSignature.KeyOf("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }
}
