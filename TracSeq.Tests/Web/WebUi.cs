using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Web;

/// <summary>
/// Drives the web front end the way a person does: a fresh browser context per test, signing in through the form.
/// Every context sends its own <c>X-Forwarded-For</c> (the web server trusts its loopback proxy, as the gateway does),
/// so the per-address sign-in limits count each test as a separate person.
/// </summary>
public sealed class WebUi(AppHostFixture app, BrowserFixture browser)
{
    public Uri BaseUrl { get; } = app.App.GetEndpoint("web", "http");

    public async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString().TrimEnd('/'),
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = AuthApiClient.NewClientIp() },
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (BrowserErrors) BrowserErrors.Add(message.Text);
            }
        };
        return page;
    }

    /// <summary>What the browser's console reported as errors (a broken circuit says so there), for failure messages.</summary>
    public List<string> BrowserErrors { get; } = [];

    /// <summary>Waits until a control is enabled; a failure says what the browser reported.</summary>
    public async Task WaitUntilEnabledAsync(ILocator locator)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await locator.IsEnabledAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        (await locator.IsEnabledAsync()).ShouldBeTrue($"still disabled; browser errors: {string.Join(" | ", BrowserErrors)}");
    }

    public async Task<IPage> SignInAsync(string email, string password)
    {
        var page = await NewPageAsync();
        // Every browser here signs in from 127.0.0.1, as do other tests' deliberate sign-in floods at the gateway: when
        // the per-address limit answers, wait as long as the page says and sign in again, as a person would.
        for (var attempt = 1; ; attempt++)
        {
            await page.GotoAsync("/login");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            var signedIn = page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });
            var limited = page.GetByText("Too many sign-in attempts from here");
            await signedIn.Or(limited).First.WaitForAsync();
            if (await signedIn.IsVisibleAsync() || attempt == 3)
            {
                break;
            }
            var wait = System.Text.RegularExpressions.Regex.Match(await limited.InnerTextAsync(), @"(\d+) seconds");
            await Task.Delay(TimeSpan.FromSeconds(wait.Success ? int.Parse(wait.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1 : 61));
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        await WaitForInteractiveAsync(page);
        return page;
    }

    public Task<IPage> SignInAsAdminAsync() => SignInAsync(app.AdminEmail, app.AdminPassword);

    /// <summary>Opens a page of the front end and waits until it is interactive.</summary>
    public static async Task GoToAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Waits until the page's interactive circuit is connected, so clicks reach the server.</summary>
    public static async Task WaitForInteractiveAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('[data-interactive=\"true\"]') !== null");

    /// <summary>axe-core on the page as it is: no serious or critical violation.</summary>
    public static async Task ShouldPassAxeAsync(IPage page, string name)
    {
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        bad.ShouldBeEmpty($"axe on {name}:\n{string.Join("\n", bad)}");
    }

    /// <summary>A screenshot of a main page for the README, saved in docs/screenshots.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }
}
