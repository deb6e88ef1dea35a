using System.Net;
using System.Net.Sockets;
using System.Text;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Web;

/// <summary>
/// The web front end against abuse (issue 24: M5, M6, L4, L5 and the kit import control): what a session is on the
/// server after each way of leaving it, what its pages tell the browser, and what Redis holds of it.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class WebHardeningTests(AppHostFixture app)
{
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task Pages_forbid_framing_and_sniffing_carry_a_CSP_and_metrics_are_not_on_the_public_port()
    {
        using var web = new WebHttpClient(app);
        using var login = await web.Http.GetAsync("/login");
        using var metrics = await web.Http.GetAsync("/metrics");

        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = login.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("script-src 'self'");
        login.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        login.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        metrics.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var privatePort = MetricsClient.For(app, "web");
        (await privatePort.GetStringAsync("/metrics")).ShouldContain("process_cpu_seconds_total");
    }

    [Fact]
    public async Task A_GET_signs_nobody_out_and_signing_in_again_ends_the_previous_session()
    {
        var user = await _auth.CreateUserAsync("guest");
        using var web = await WebHttpClient.SignedInAsync(app, user.Email, user.Password);
        var first = web.Session!;

        // A link (or an image on another site) to /login?ended=1 neither clears the cookie nor leaves a live session behind it.
        using (var ended = await web.Http.GetAsync("/login?ended=1"))
        {
            ended.StatusCode.ShouldBe(HttpStatusCode.OK);
            (ended.Headers.TryGetValues("Set-Cookie", out var set) ? set : [])
                .ShouldNotContain(c => c.StartsWith(WebHttpClient.SessionCookie + "=", StringComparison.Ordinal));
        }
        web.Session.ShouldBe(first);
        (await WebHttpClient.IsSignedInAsync(app, first)).ShouldBeTrue();

        using (var again = await web.PostLoginAsync(user.Email, user.Password))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Found);
        }
        web.Session.ShouldNotBe(first);
        (await WebHttpClient.IsSignedInAsync(app, web.Session!)).ShouldBeTrue();
        (await WebHttpClient.IsSignedInAsync(app, first)).ShouldBeFalse(); // the old session ended on the server
    }

    [Fact]
    public async Task Sign_out_is_a_post_with_antiforgery_that_ends_the_session_on_the_server()
    {
        var user = await _auth.CreateUserAsync("guest");
        using var web = await WebHttpClient.SignedInAsync(app, user.Email, user.Password);
        var session = web.Session!;

        using (var forged = await web.Http.PostAsync("/logout", new FormUrlEncodedContent([])))
        {
            forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await WebHttpClient.IsSignedInAsync(app, session)).ShouldBeTrue();
        using (var viaGet = await web.Http.GetAsync("/logout"))
        {
            ((int)viaGet.StatusCode).ShouldBeLessThan(500);
        }
        (await WebHttpClient.IsSignedInAsync(app, session)).ShouldBeTrue();

        using var signedOut = await web.SignOutAsync();

        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedOut.Headers.Location!.ToString().ShouldBe("/login?signedOut=1");
        (await WebHttpClient.IsSignedInAsync(app, session)).ShouldBeFalse();
    }

    [Fact]
    public async Task Redis_holds_no_token_of_a_web_session_and_no_key_of_the_key_ring_in_clear()
    {
        var user = await _auth.CreateUserAsync("guest");
        using var web = await WebHttpClient.SignedInAsync(app, user.Email, user.Password);
        var (tcp, stream) = await RedisAsync();
        using (tcp)
        await using (stream)
        {
            var sessions = await CommandAsync(stream, "KEYS", "tracseq:web:session:*");
            sessions.ShouldNotBeEmpty();
            foreach (var key in sessions)
            {
                var value = (await CommandAsync(stream, "GET", key)).SingleOrDefault() ?? ""; // nil: expired since KEYS
                if (value.Length > 0)
                {
                    value.ShouldStartWith("CfDJ8", Case.Sensitive); // a Data Protection payload, not JSON with tokens
                }
                value.ShouldNotContain("refreshToken"); // no readable JSON at all
            }
            var ring = await CommandAsync(stream, "LRANGE", "tracseq:web:data-protection-keys", "0", "-1");
            ring.ShouldNotBeEmpty();
            ring.ShouldAllBe(k => k.Contains("aesGcmEncryptedKey") && !k.Contains("masterKey"));
        }
    }

    [Theory]
    [InlineData("lab_technician", false)]
    [InlineData("principal_investigator", true)]
    public async Task The_kit_import_control_is_shown_only_to_roles_that_may_import(string role, bool shown)
    {
        var user = await _auth.CreateUserAsync(role);
        using var web = await WebHttpClient.SignedInAsync(app, user.Email, user.Password);

        var page = await web.Http.GetStringAsync("/sequencing");

        page.ShouldContain("Index kits", Case.Insensitive);
        page.Contains("id=\"kit-file\"", StringComparison.Ordinal).ShouldBe(shown, page.Length > 3000 ? page[..3000] : page);
    }

    private async Task<(TcpClient, NetworkStream)> RedisAsync()
    {
        var connectionString = (await app.GetConnectionStringAsync("cache"))!;
        var at = connectionString.IndexOf(",password=", StringComparison.Ordinal);
        var endpoint = connectionString[..at];
        var colon = endpoint.LastIndexOf(':');
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var stream = tcp.GetStream();
        (await CommandAsync(stream, "AUTH", connectionString[(at + ",password=".Length)..])).ShouldBe(["+OK"]);
        return (tcp, stream);
    }

    /// <summary>One RESP command; the reply's strings in order (arrays flattened), read until the reply is whole.</summary>
    private static async Task<List<string>> CommandAsync(NetworkStream stream, params string[] parts)
    {
        var request = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var values = new List<string>();
            var at = 0;
            if (received.Count > 0 && Parse([.. received], ref at, values))
            {
                return values;
            }
            var n = await stream.ReadAsync(buffer, timeout.Token);
            n.ShouldBeGreaterThan(0, "Redis closed the connection");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    private static bool Parse(byte[] data, ref int at, List<string> values)
    {
        var end = Array.IndexOf(data, (byte)'\n', at);
        if (end < 0)
        {
            return false;
        }
        var line = Encoding.UTF8.GetString(data, at, end - at).TrimEnd('\r');
        at = end + 1;
        switch (line[0])
        {
            case '*':
                var count = int.Parse(line[1..], System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    if (!Parse(data, ref at, values))
                    {
                        return false;
                    }
                }
                return true;
            case '$':
                var length = int.Parse(line[1..], System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return true;
                }
                if (data.Length < at + length + 2)
                {
                    return false;
                }
                values.Add(Encoding.UTF8.GetString(data, at, length));
                at += length + 2;
                return true;
            default:
                values.Add(line);
                return true;
        }
    }
}
