using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Gateway;

[Collection(AppHostCollection.Name)]
public sealed class EdgeProtectionTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task Sign_ins_are_limited_per_client_at_the_edge_and_a_rotated_X_Forwarded_For_does_not_escape()
    {
        using var gateway = _auth.Client("gateway");
        using var metrics = MetricsClient.For(fixture, "gateway");
        var before = Metric(await metrics.GetStringAsync("/metrics"), "tracseq_gateway_rate_limited_total{policy=\"login\"}");
        HttpResponseMessage? last = null;
        var attempts = 0;
        // Every attempt claims to come from a new address; the gateway trusts no proxy here, so it keys on the real one.
        for (; attempts < 25 && last?.StatusCode != HttpStatusCode.TooManyRequests; attempts++)
        {
            last?.Dispose();
            last = await PostLoginAsync(gateway, AuthApiClient.NewClientIp(), $"guess-{attempts}@lab.example.org", "guess");
        }

        last!.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        attempts.ShouldBeLessThanOrEqualTo(11);
        var retryAfter = int.Parse(last.Headers.GetValues("Retry-After").Single());
        retryAfter.ShouldBeInRange(1, 60);
        last.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        Metric(await metrics.GetStringAsync("/metrics"), "tracseq_gateway_rate_limited_total{policy=\"login\"}").ShouldBe(before + 1);
        last.Dispose();

        // Leave the window as we found it: other tests sign in through the gateway from this same address.
        await Task.Delay(TimeSpan.FromSeconds(retryAfter + 1));
    }

    [Fact]
    public async Task Sign_ins_the_web_front_end_forwards_are_limited_per_browser_address_not_per_web_server()
    {
        using var gateway = _auth.Client("gateway");
        var web = await ServiceIdentityHeader.KeyAsync(fixture, "web");
        var browser = AuthApiClient.NewClientIp();
        HttpResponseMessage? last = null;
        var attempts = 0;
        for (; attempts < 25 && last?.StatusCode != HttpStatusCode.TooManyRequests; attempts++)
        {
            last?.Dispose();
            last = await PostLoginAsync(gateway, browser, $"web-guess-{attempts}@lab.example.org", "guess", web);
        }
        last!.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        attempts.ShouldBeLessThanOrEqualTo(11);
        last.Dispose();

        // Another person signing in through the same web server has a limit of their own.
        using var other = await PostLoginAsync(gateway, AuthApiClient.NewClientIp(), "web-other@lab.example.org", "guess", web);
        other.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_in_user_is_limited_per_user_without_slowing_other_users()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var busy = await _auth.CreateUserAsync("guest", admin.AccessToken);
        using var busyClient = _auth.Client("gateway", (await _auth.LoginAsync(busy.Email, busy.Password)).AccessToken);
        HttpResponseMessage? last = null;
        var sent = 0;
        // The default is 600 a minute per user; a window may roll over once while we send.
        while (sent < 1300 && last?.StatusCode != HttpStatusCode.TooManyRequests)
        {
            last?.Dispose();
            last = await busyClient.GetAsync("/api/auth/me");
            sent++;
        }

        last!.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        sent.ShouldBeGreaterThan(600);
        last.Headers.RetryAfter.ShouldNotBeNull();
        using var otherUser = _auth.Client("gateway", admin.AccessToken);
        (await otherUser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        last.Dispose();
    }

    [Fact]
    public async Task A_body_over_the_route_limit_is_refused_with_413_and_submissions_take_larger_bodies()
    {
        var token = (await _auth.LoginAsAdminAsync()).AccessToken;
        using var gateway = _auth.Client("gateway", token);
        var twoMegabytes = new string('x', 2 * 1024 * 1024);

        using var tooLarge = await gateway.PostAsync("/api/samples", new StringContent(twoMegabytes, Encoding.UTF8, "application/json"));
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        tooLarge.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        using var chunked = new StringContent(twoMegabytes, Encoding.UTF8, "application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/samples") { Content = chunked };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var tooLargeChunked = await gateway.SendAsync(chunkedRequest);
        tooLargeChunked.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await tooLargeChunked.Content.ReadAsStringAsync());

        using var upload = await gateway.PostAsync("/api/submissions/size-probe", new StringContent(twoMegabytes, Encoding.UTF8, "text/csv"));
        upload.StatusCode.ShouldNotBe(HttpStatusCode.RequestEntityTooLarge, await upload.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers_and_no_server_banner()
    {
        using var gateway = _auth.Client("gateway");

        using var response = await gateway.GetAsync("/health");

        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        response.Headers.Contains("Server").ShouldBeFalse();
    }

    [Fact]
    public async Task The_web_front_end_origin_passes_CORS_preflight_and_others_do_not()
    {
        using var gateway = _auth.Client("gateway");

        using var allowed = await gateway.SendAsync(Preflight("http://localhost:5173"));
        using var refused = await gateway.SendAsync(Preflight("https://evil.example.com"));

        allowed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("http://localhost:5173");
        refused.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/samples");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    /// <summary>
    /// A sign-in claiming <paramref name="clientIp"/>: in X-Forwarded-For (believed from nobody), and, with the web front
    /// end's key, as the address the web front end signs for the gateway (ServiceSignature.CreateClientAddress).
    /// </summary>
    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient gateway, string clientIp, string email, string password,
        string? webKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", clientIp);
        if (webKey is not null)
        {
            request.Headers.Add(TracSeq.ServiceDefaults.Security.ServiceSignature.ClientAddressHeader,
                TracSeq.ServiceDefaults.Security.ServiceSignature.CreateClientAddress(clientIp, "web", "gateway", webKey,
                    DateTimeOffset.UtcNow, "POST", "/api/auth/login"));
        }
        return await gateway.SendAsync(request);
    }

    public static double Metric(string metrics, string series) =>
        metrics.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
}
