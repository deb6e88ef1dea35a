using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Sequencing;

namespace TracSeq.Tests.Web;

/// <summary>The sequencing pages: a pool whose indices collide is shown and refused; a run's sample sheets download.</summary>
[Collection(AppHostCollection.Name)]
public sealed class SequencingPagesTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly SequencingLab _lab = new(app);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task Colliding_indices_are_shown_before_saving_and_the_pool_is_refused()
    {
        // Index 1 one base apart and no index 2: with one mismatch allowed, a read could match both.
        var libraries = await _lab.LibrariesAsync(("ACGTACGT", null), ("ACGTACGA", null), ("TTGGCCAA", null));
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, "/sequencing/pools");
        var name = $"Web pool {Guid.NewGuid():N}"[..20];

        await page.GetByLabel("Pool name").FillAsync(name);
        await page.GetByLabel("Library barcodes").FillAsync(string.Join(" ", libraries.Select(l => l.Barcode)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check indices" }).ClickAsync();
        var collisions = page.GetByTestId("collisions");
        await collisions.WaitForAsync();
        var text = await collisions.InnerTextAsync();
        text.ShouldContain($"{libraries[0].Barcode} and {libraries[1].Barcode}: index 1 differs in 1 bases");
        text.ShouldNotContain(libraries[2].Barcode);
        await WebUi.ShouldPassAxeAsync(page, "/sequencing/pools (collisions)");
        await WebUi.ScreenshotAsync(page, "pool-collision");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save pool" }).ClickAsync();
        await page.GetByText("The pool was not saved: its indices collide.").WaitForAsync();
        page.Url.ShouldEndWith("/sequencing/pools");
        (await page.GetByRole(AriaRole.Link, new() { Name = name }).CountAsync()).ShouldBe(0);
        await using var db = await _lab.OpenDatabaseAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM pools WHERE name = @name";
        count.Parameters.AddWithValue("name", name);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(0);

        foreach (var path in new[] { "/sequencing", "/sequencing/libraries", "/sequencing/runs", $"/sequencing/libraries/{libraries[0].Id}" })
        {
            await WebUi.GoToAsync(page, path);
            await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
            await WebUi.ShouldPassAxeAsync(page, path);
        }
    }

    [Fact]
    public async Task A_run_page_moves_the_run_and_downloads_its_v2_and_v1_sample_sheets()
    {
        var libraries = await _lab.LibrariesAsync(("ATTACTCG", "AGGCTATA"), ("TCCGGAGA", "GCCTCTAT"));
        var pool = await _lab.CreatePoolAsync(libraries.Select(l => l.Id));
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("NextSeq2000", [(1, pool.Id), (2, pool.Id)]));
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, $"/sequencing/runs/{run.Id}");

        var v2 = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download sample sheet v2" }).ClickAsync());
        v2.SuggestedFilename.ShouldBe("SampleSheet.csv");
        var sheet = await File.ReadAllTextAsync((await v2.PathAsync())!);
        sheet.ShouldContain("[BCLConvert_Data]");
        foreach (var library in libraries)
        {
            sheet.ShouldContain($"1,{library.Barcode},");
            sheet.ShouldContain($"2,{library.Barcode},");
        }
        var v1 = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download sample sheet v1" }).ClickAsync());
        (await File.ReadAllTextAsync((await v1.PathAsync())!)).ShouldContain("IEMFileVersion");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start sequencing" }).ClickAsync();
        await page.GetByText("The run is now sequencing.").WaitForAsync();
        (await page.GetByTestId("run-status").InnerTextAsync()).ShouldBe("sequencing");
        (await _lab.GetRunAsync(run.Id)).Status.ShouldBe("sequencing");
        await WebUi.ShouldPassAxeAsync(page, "/sequencing/runs/{id}");
        await WebUi.ScreenshotAsync(page, "run");
    }
}
