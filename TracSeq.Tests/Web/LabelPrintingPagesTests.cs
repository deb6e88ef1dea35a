using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Web;

/// <summary>Scan-first before the page is interactive, and the print dialog with its preview.</summary>
[Collection(AppHostCollection.Name)]
public sealed class LabelPrintingPagesTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly SampleLab _lab = new(app);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task A_scan_typed_the_moment_the_page_shows_is_not_lost()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Scanned at once", sampleType = "dna" });
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);

        // As a hardware scanner does: the barcode and Enter as soon as the prerendered box exists, not waiting for Blazor.
        await page.GotoAsync("/samples", new() { WaitUntil = WaitUntilState.Commit });
        var scan = page.Locator("#scan-box");
        await scan.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await scan.PressSequentiallyAsync(sample.Barcode);
        await scan.PressAsync("Enter");

        await page.WaitForURLAsync($"**/samples/{sample.Id}", new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex(Regex.Escape(sample.Barcode)) }).WaitForAsync();
    }

    [Fact]
    public async Task A_sample_page_prints_labels_with_a_preview_and_a_download()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Liver biopsy 12", sampleType = "dna", projectCode = "ONC-2025" });
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, $"/samples/{sample.Id}");

        await page.GetByTestId("print-labels").ClickAsync();
        var preview = page.GetByTestId("label-preview");
        await preview.WaitForAsync();
        await page.WaitForFunctionAsync(
            "() => { const i = document.querySelector('[data-testid=label-preview]'); return i && i.complete && i.naturalWidth > 0; }");
        (await preview.EvaluateAsync<int>("i => i.naturalWidth")).ShouldBe(449); // 38 mm at 300 dpi
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("print-download").ClickAsync());
        download.SuggestedFilename.ShouldBe($"{sample.Barcode}.pdf");
        var path = await download.PathAsync();
        (await File.ReadAllBytesAsync(path!))[..5].ShouldBe("%PDF-"u8.ToArray());
        await WebUi.ShouldPassAxeAsync(page, "sample page with the print dialog");
        await WebUi.ScreenshotAsync(page, "web-print-labels");
    }

    [Fact]
    public async Task The_samples_list_prints_one_label_for_each_selected_sample()
    {
        var tag = $"Sel{Guid.NewGuid():N}"[..12];
        var first = await _lab.CreateSampleAsync(new { name = $"{tag} one", sampleType = "dna" });
        var second = await _lab.CreateSampleAsync(new { name = $"{tag} two", sampleType = "dna" });
        await _lab.CreateSampleAsync(new { name = $"{tag} not selected", sampleType = "dna" });
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, $"/samples?q={tag}");

        await page.GetByLabel($"Select {first.Barcode}").CheckAsync();
        await page.GetByLabel($"Select {second.Barcode}").CheckAsync();
        await page.GetByTestId("print-labels").ClickAsync();
        await page.GetByText("Print labels (2)").WaitForAsync();
        // When no download comes, say what the browser got instead (an error page names the gateway's answer).
        var answers = new List<string>();
        page.Response += (_, r) => answers.Add($"{r.Status} {r.Url}");
        IDownload download;
        try
        {
            download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("print-download").ClickAsync());
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"No download; the browser got:\n{string.Join("\n", answers)}\n{await page.InnerTextAsync("body")}");
        }

        var pdf = Encoding.Latin1.GetString(await File.ReadAllBytesAsync((await download.PathAsync())!));
        pdf.ShouldStartWith("%PDF-");
        Regex.Count(pdf, @"/Type\s*/Page\b").ShouldBe(2); // one page per label: the two selected, not the third
    }
}
