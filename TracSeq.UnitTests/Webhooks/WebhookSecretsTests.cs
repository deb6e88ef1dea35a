using Microsoft.Extensions.Configuration;
using TracSeq.Samples.Webhooks;

namespace TracSeq.UnitTests.Webhooks;

public sealed class WebhookSecretsTests
{
    private static WebhookSecrets With(string? serviceSecret) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [WebhookSecrets.SecretsKeySetting] = serviceSecret }).Build());

    [Fact]
    public void A_sealed_secret_opens_with_the_same_service_secret_only()
    {
        var secret = WebhookSignature.NewSecret();
        var sealedBytes = With("service-secret-one-0123456789abcdef").Seal(secret);

        System.Text.Encoding.UTF8.GetString(sealedBytes).ShouldNotContain(secret["whsec_".Length..]);
        With("service-secret-one-0123456789abcdef").Open(sealedBytes).ShouldBe(secret);
        Should.Throw<System.Security.Cryptography.AuthenticationTagMismatchException>(() => With("another-service-secret-0123456789").Open(sealedBytes));
        With(null).Available.ShouldBeFalse();
    }
}
