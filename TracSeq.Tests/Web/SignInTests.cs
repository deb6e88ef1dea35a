using System.Net.Http.Json;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Web;

[Collection(AppHostCollection.Name)]
public sealed class SignInTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task Signing_in_shows_the_user_and_no_token_is_readable_by_page_scripts()
    {
        var page = await _ui.NewPageAsync();
        await page.GotoAsync("/");
        page.Url.ShouldContain("/login"); // not signed in: sent to sign in
        await WebUi.ShouldPassAxeAsync(page, "/login");
        await WebUi.ScreenshotAsync(page, "login");

        await page.GetByLabel("Email").FillAsync(app.AdminEmail);
        await page.GetByLabel("Password").FillAsync(app.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        await WebUi.WaitForInteractiveAsync(page);

        (await page.GetByTestId("current-role").InnerTextAsync()).ShouldBe("lab_administrator");
        var scripts = await page.EvaluateAsync<string>(
            "() => JSON.stringify({ c: document.cookie, l: JSON.stringify(localStorage), s: JSON.stringify(sessionStorage) })");
        scripts.ShouldNotContain("eyJ"); // no JWT (base64url JSON header) anywhere a script can read
        scripts.ShouldNotContain(WebSessionCookie);
        var cookies = await page.Context.CookiesAsync();
        var session = cookies.Where(c => c.Name == WebSessionCookie).ShouldHaveSingleItem();
        cookies.ShouldAllBe(c => c.HttpOnly); // the session and the antiforgery cookie: neither readable by scripts
        cookies.ShouldAllBe(c => !c.Value.Contains("eyJ"));
        session.SameSite.ShouldBe(SameSiteAttribute.Lax);
        session.Value.ShouldNotContain("eyJ");
        (await page.EvaluateAsync<bool>("() => document.activeElement?.id === 'scan-box'")).ShouldBeTrue();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByTestId("login-info").WaitForAsync();
        (await page.GetByTestId("login-info").InnerTextAsync()).ShouldContain("signed out");
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == WebSessionCookie);
        await page.GotoAsync("/samples");
        page.Url.ShouldContain("/login");
    }

    private const string WebSessionCookie = "tracseq.session";

    [Fact]
    public async Task A_wrong_password_is_said_in_words()
    {
        var page = await _ui.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(app.AdminEmail);
        await page.GetByLabel("Password").FillAsync("not-the-password-at-all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        (await page.GetByTestId("login-error").InnerTextAsync()).ShouldBe("Wrong email or password.");
    }

    [Fact]
    public async Task A_locked_account_says_how_long_to_wait()
    {
        var user = await _auth.CreateUserAsync("guest");
        var page = await _ui.NewPageAsync();
        await page.GotoAsync("/login");
        for (var i = 0; i < 6; i++)
        {
            await page.GetByLabel("Email").FillAsync(user.Email);
            await page.GetByLabel("Password").FillAsync("wrong-password-" + i);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByTestId("login-error").WaitForAsync();
        }

        (await page.GetByTestId("login-error").InnerTextAsync()).ShouldMatch("locked .* Try again in \\d+ (minutes|seconds)\\.");
    }

    [Fact]
    public async Task A_session_revoked_at_Auth_lands_on_the_sign_in_page_with_a_message()
    {
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);

        // Disable the account behind the browser's back: its tokens stop working at once everywhere.
        var admin = await _auth.LoginAsAdminAsync();
        using (var client = _auth.Client("gateway", admin.AccessToken))
        {
            using var response = await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { status = "disabled" });
            response.EnsureSuccessStatusCode();
        }
        await page.GotoAsync("/samples");

        await page.GetByTestId("login-info").WaitForAsync();
        (await page.GetByTestId("login-info").InnerTextAsync()).ShouldBe("Your session has ended — sign in again");
        page.Url.ShouldContain("/login");
    }
}
