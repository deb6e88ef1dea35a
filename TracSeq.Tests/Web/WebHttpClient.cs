using System.Net;
using System.Text.RegularExpressions;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Web;

/// <summary>
/// The web front end spoken to as a browser would over HTTP, without rendering: its own cookie jar, no redirects
/// followed, and its own X-Forwarded-For (the tests' web server believes loopback, see AppHostFixture) so the
/// per-address sign-in limits count it apart. Signing in posts the real sign-in form with its antiforgery token.
/// </summary>
public sealed partial class WebHttpClient : IDisposable
{
    public const string SessionCookie = "tracseq.session";

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    public Uri BaseUrl { get; }

    public WebHttpClient(AppHostFixture app)
    {
        BaseUrl = app.App.GetEndpoint("web", "http");
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = BaseUrl };
        Http.DefaultRequestHeaders.Add("X-Forwarded-For", AuthApiClient.NewClientIp());
    }

    public string? Session => Cookies.GetCookies(BaseUrl)[SessionCookie]?.Value;

    /// <summary>The hidden fields of the first form on <paramref name="path"/> (antiforgery token, form name, …).</summary>
    public async Task<Dictionary<string, string>> HiddenFieldsAsync(string path)
    {
        var html = await Http.GetStringAsync(path);
        return HiddenInput().Matches(html)
            .Select(m => (Name: WebUtility.HtmlDecode(m.Groups["name"].Value), Value: WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value);
    }

    public async Task<HttpResponseMessage> PostLoginAsync(string email, string password)
    {
        var fields = await HiddenFieldsAsync("/login");
        fields["Form.Email"] = email;
        fields["Form.Password"] = password;
        return await Http.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    public static async Task<WebHttpClient> SignedInAsync(AppHostFixture app, string email, string password)
    {
        var client = new WebHttpClient(app);
        using var response = await client.PostLoginAsync(email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Found, await response.Content.ReadAsStringAsync());
        client.Session.ShouldNotBeNull();
        return client;
    }

    /// <summary>Sign out as the page's button does: the form post with the page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var fields = await HiddenFieldsAsync("/");
        fields.ShouldContainKey("__RequestVerificationToken");
        return await Http.PostAsync("/logout", new FormUrlEncodedContent(fields));
    }

    /// <summary>Whether a request carrying only <paramref name="sessionCookie"/> is still signed in.</summary>
    public static async Task<bool> IsSignedInAsync(AppHostFixture app, string sessionCookie)
    {
        using var other = new WebHttpClient(app);
        other.Cookies.Add(other.BaseUrl, new Cookie(SessionCookie, sessionCookie));
        using var response = await other.Http.GetAsync("/samples");
        return response.StatusCode == HttpStatusCode.OK;
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex(@"<input[^>]*?(?:type=""hidden""[^>]*?name=""(?<name>[^""]+)""|name=""(?<name>[^""]+)""[^>]*?type=""hidden"")" +
        @"[^>]*?value=""(?<value>[^""]*)""")]
    private static partial Regex HiddenInput();
}
