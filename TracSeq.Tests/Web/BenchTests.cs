using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Web;

/// <summary>The technician at the bench: scan, receive, validate, store; the box grid; what a guest may not do.</summary>
[Collection(AppHostCollection.Name)]
public sealed class BenchTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly SampleLab _lab = new(app);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task Scanning_opens_the_sample_or_the_location_and_says_when_nothing_has_the_barcode()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Scanned plasma", sampleType = "plasma" });
        var box = await _lab.CreateBoxAsync(4, 6);
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);

        var scan = page.GetByLabel("Scan or type a barcode");
        await scan.FillAsync(sample.Barcode.ToLowerInvariant()); // scanners and people type either case
        await scan.PressAsync("Enter");
        await page.WaitForURLAsync($"**/samples/{sample.Id}", new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex(Regex.Escape(sample.Barcode)) }).WaitForAsync();

        await page.Keyboard.PressAsync("Escape");
        await page.Locator("body").ClickAsync(new() { Position = new Position { X = 900, Y = 850 } });
        await page.Keyboard.PressAsync("/"); // the "/" key brings the focus back to the scan box
        (await page.EvaluateAsync<bool>("() => document.activeElement?.id === 'scan-box'")).ShouldBeTrue();
        await page.Keyboard.TypeAsync(box.Barcode);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/storage/{box.Id}", new() { WaitUntil = WaitUntilState.Commit });

        await scan.FillAsync("TS-NOPE-000000-99999");
        await scan.PressAsync("Enter");
        (await page.GetByTestId("scan-message").InnerTextAsync()).ShouldBe("Nothing has the barcode TS-NOPE-000000-99999.");
        page.Url.ShouldEndWith($"/storage/{box.Id}");
    }

    [Fact]
    public async Task A_sample_goes_from_received_to_stored_through_the_pages()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Tumour DNA 17", sampleType = "dna", projectCode = "ONC-7" });
        var box = await _lab.CreateBoxAsync(8, 12);
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, $"/samples/{sample.Id}");

        // Only the moves the lifecycle and the role allow: a technician may not discard.
        await page.GetByRole(AriaRole.Button, new() { Name = "Receive", Exact = true }).WaitForAsync();
        (await page.GetByRole(AriaRole.Button, new() { Name = "Discard" }).CountAsync()).ShouldBe(0);
        (await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).CountAsync()).ShouldBe(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Receive", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("sample-status"), "received");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("sample-status"), "validated");

        await page.GetByLabel("Location barcode").FillAsync(box.Barcode);
        await page.GetByLabel("Position").FillAsync("b03");
        await page.GetByRole(AriaRole.Button, new() { Name = "Store", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("sample-status"), "in storage");
        (await page.GetByTestId("sample-location").InnerTextAsync()).ShouldEndWith("› Freezer A › Rack 2 › Box 7 · B3");

        var history = await page.GetByTestId("history").InnerTextAsync();
        history.ShouldContain("status pending → received");
        history.ShouldContain("status received → validated");
        history.ShouldContain("Box 7 · B3");
        history.IndexOf("created", StringComparison.Ordinal).ShouldBeLessThan(history.IndexOf("pending → received", StringComparison.Ordinal)); // old → new

        // Rejecting asks for a reason before anything is sent.
        await page.GetByRole(AriaRole.Button, new() { Name = "Fail", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm fail" }).ClickAsync();
        await page.GetByText("Say why: the reason goes into the sample's history.").WaitForAsync();
        (await _lab.GetSampleAsync(sample.Id)).Status.ShouldBe("in_storage");

        await WebUi.ShouldPassAxeAsync(page, "/samples/{id}");
        await WebUi.ScreenshotAsync(page, "sample");
    }

    [Fact]
    public async Task A_box_shows_its_grid_and_places_a_scanned_sample_in_a_free_position()
    {
        var box = await _lab.CreateBoxAsync(3, 4);
        var stored = await _lab.ValidatedSampleAsync(new { name = "Stored RNA", sampleType = "rna" });
        (await _lab.PlaceAsync(stored.Id, box.Id, "A1")).EnsureSuccessStatusCode();
        var toPlace = await _lab.ValidatedSampleAsync(new { name = "Incoming RNA", sampleType = "rna" });
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, $"/storage/{box.Id}");

        var grid = page.Locator("table.box-grid");
        await grid.Locator("td[data-position='A1'] a").WaitForAsync();
        (await grid.Locator("thead th").AllInnerTextsAsync()).ShouldBe(["1", "2", "3", "4"]);
        (await grid.Locator("tbody th").AllInnerTextsAsync()).ShouldBe(["A", "B", "C"]);
        (await grid.Locator("td[data-position='A1']").InnerTextAsync()).Trim().ShouldBe(stored.Barcode);

        await grid.Locator("td[data-position='C4'] button").ClickAsync();
        var field = page.GetByLabel("Sample barcode to place at C4");
        await field.FillAsync(toPlace.Barcode);
        await field.PressAsync("Enter");
        await page.GetByText($"{toPlace.Barcode} placed at C4.").WaitForAsync();

        (await grid.Locator("td[data-position='C4']").InnerTextAsync()).Trim().ShouldBe(toPlace.Barcode);
        var placed = await _lab.GetSampleAsync(toPlace.Id);
        (placed.Status, placed.Location!.Id, placed.Location.Position).ShouldBe(("in_storage", box.Id, "C4"));

        await WebUi.ShouldPassAxeAsync(page, "/storage/{box}");
        await WebUi.ScreenshotAsync(page, "box");
        await WebUi.GoToAsync(page, "/storage");
        await WebUi.ShouldPassAxeAsync(page, "/storage");
    }

    [Fact]
    public async Task A_guest_sees_no_writing_controls_and_is_kept_out_of_administration()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Look but do not touch", sampleType = "dna" });
        var guest = await _lab.UserAsync("guest"); // a member of the sample's project: it sees the sample, and only reads
        var page = await _ui.SignInAsync(guest.Email, guest.Password);

        await WebUi.GoToAsync(page, $"/samples/{sample.Id}");
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
        (await page.GetByRole(AriaRole.Button, new() { Name = "Receive" }).CountAsync()).ShouldBe(0);
        (await page.GetByRole(AriaRole.Button, new() { Name = "Edit" }).CountAsync()).ShouldBe(0);
        (await page.GetByLabel("Location barcode").CountAsync()).ShouldBe(0);
        (await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).CountAsync()).ShouldBe(0);

        await WebUi.GoToAsync(page, "/samples");
        (await page.GetByRole(AriaRole.Checkbox).CountAsync()).ShouldBe(0);

        await WebUi.GoToAsync(page, "/admin/users");
        await page.GetByText("This page is not allowed for your role.").WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/forbidden");
        (await page.GetByLabel("User email").CountAsync()).ShouldBe(0);
    }

    private static async Task Expect(ILocator locator, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string current;
        while ((current = (await locator.InnerTextAsync()).Trim()) != text && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        current.ShouldBe(text);
    }
}
