extern alias web;
using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using web::TracSeq.Web;
using web::TracSeq.Web.Api;
using web::TracSeq.Web.Security;
using web::TracSeq.Web.Session;

namespace TracSeq.UnitTests.Web;

/// <summary>The web front end's cookie, key ring and sign-out rules, without a server.</summary>
public sealed class WebSessionSecurityTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void The_session_cookie_is_Secure_unless_plain_HTTP_development_says_otherwise()
    {
        WebSetup.CookiePolicy(Settings()).ShouldBe(CookieSecurePolicy.Always);
        WebSetup.CookiePolicy(Settings(("Web:SecureCookies", "true"))).ShouldBe(CookieSecurePolicy.Always);
        WebSetup.CookiePolicy(Settings(("Web:SecureCookies", "false"))).ShouldBe(CookieSecurePolicy.SameAsRequest);
    }

    [Fact]
    public void The_key_ring_is_stored_encrypted_and_only_its_key_opens_it()
    {
        var key = KeyRingProtection.KeyFrom(Settings(("Web:KeyRingKey", new string('k', 40))));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var plaintext = new XElement("descriptor", new XElement("masterKey", new XElement("value", secret)));

        var stored = KeyRingProtection.Encrypt(plaintext, key);

        stored.ToString().ShouldNotContain(secret);
        stored.ToString().ShouldNotContain("masterKey");
        KeyRingProtection.Decrypt(stored, key).ToString().ShouldBe(plaintext.ToString());
        var other = KeyRingProtection.KeyFrom(Settings(("Web:KeyRingKey", new string('x', 40))));
        Should.Throw<CryptographicException>(() => KeyRingProtection.Decrypt(stored, other));
    }

    [Fact]
    public void Without_a_key_ring_key_the_web_front_end_refuses_to_start()
    {
        Should.Throw<InvalidOperationException>(() => KeyRingProtection.KeyFrom(Settings()));
        Should.Throw<InvalidOperationException>(() => KeyRingProtection.KeyFrom(Settings(("Web:KeyRingKey", "short"))));
    }

    private static readonly WebSession Session = new("access", "refresh", DateTimeOffset.UtcNow.AddMinutes(10),
        Guid.NewGuid(), "someone@lab.example.org", "Someone", "guest");

    private sealed class Failing(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(cancellationToken);
    }

    private static AuthGateway Auth(Func<CancellationToken, Task<HttpResponseMessage>> answer) =>
        new(new HttpClient(new Failing(answer)) { BaseAddress = new Uri("http://gateway") }, NullLogger<AuthGateway>.Instance);

    [Fact]
    public async Task Sign_out_at_Auth_never_throws_when_the_circuit_is_open()
    {
        var auth = Auth(_ => throw new BrokenCircuitException("open"));

        (await auth.LogoutAsync(Session, IPAddress.Loopback, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task Sign_out_at_Auth_gives_up_when_Auth_does_not_answer()
    {
        var auth = Auth(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        (await auth.LogoutAsync(Session, null, CancellationToken.None)).ShouldBeFalse();
    }
}
