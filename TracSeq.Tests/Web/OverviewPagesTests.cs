using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Web;

/// <summary>The overview pages for an administrator: axe on each, screenshots for the README, the list's URL filters.</summary>
[Collection(AppHostCollection.Name)]
public sealed class OverviewPagesTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly SampleLab _lab = new(app);

    [Fact]
    public async Task Home_samples_and_users_pages_pass_axe_and_the_samples_filters_live_in_the_url()
    {
        var project = SampleLab.Unique("WEBP")[..9];
        for (var i = 0; i < 3; i++)
        {
            await _lab.CreateSampleAsync(new { name = $"Filter me {i}", sampleType = "rna", projectCode = project });
        }
        var page = await _ui.SignInAsAdminAsync();

        await page.GetByTestId("status-counts").WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/");
        await WebUi.ScreenshotAsync(page, "home");

        await WebUi.GoToAsync(page, $"/samples?project={project}");
        await page.GetByText("3 samples").WaitForAsync();
        (await page.Locator("tbody tr").CountAsync()).ShouldBe(3);
        await page.GetByRole(AriaRole.Button, new() { Name = "Name" }).ClickAsync();
        await page.WaitForURLAsync($"**/samples?project={project}&sort=name", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("tbody tr td:nth-child(3)").First.WaitForAsync();
        // The sorted page arrives over the circuit after the URL changes: wait for it (15 s at most).
        IReadOnlyList<string> names = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            names = await page.Locator("tbody tr td:nth-child(3)").AllInnerTextsAsync();
            if (names.SequenceEqual(["Filter me 0", "Filter me 1", "Filter me 2"])) break;
        }
        names.ShouldBe(["Filter me 0", "Filter me 1", "Filter me 2"]);
        (await page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).GetAttributeAsync("href"))
            .ShouldBe($"/downloads/samples.csv?format=csv&projectCode={project}&sort=name");
        await WebUi.ShouldPassAxeAsync(page, "/samples");
        await WebUi.ScreenshotAsync(page, "samples");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        csv.Length.ShouldBe(4); // header and the three samples of the filter

        await WebUi.GoToAsync(page, "/admin/users");
        await page.GetByLabel("User email").WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/admin/users");
        await WebUi.ScreenshotAsync(page, "users");
    }
}
