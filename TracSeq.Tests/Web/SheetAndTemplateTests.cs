using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;
using TracSeq.Tests.Templates;

namespace TracSeq.Tests.Web;

/// <summary>Templates edited and published in the browser; a sheet with mistakes checked, fixed and submitted.</summary>
[Collection(AppHostCollection.Name)]
public sealed class SheetAndTemplateTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly TemplateLab _templates = new(app);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task A_sheet_with_mistakes_shows_them_as_a_table_and_as_highlighted_cells_then_the_fixed_sheet_creates_samples()
    {
        var template = await _templates.CreateTemplateAsync();
        var prefix = SampleLab.Unique("WEB");
        var rows = Enumerable.Range(1, 6).Select(i => TemplateLab.GoodRow(i, prefix)).ToList();
        rows[1][3] = "900";        // row 3: Volume_uL above its maximum of 500
        rows[4][6] = "oncology";   // row 6: Project does not match its pattern
        foreach (var code in TemplateLab.SheetProjects)
        {
            await _templates.Samples.ProjectAsync(code);
        }
        var researcher = await _templates.Samples.UserAsync("research_scientist"); // a member of the sheet's projects
        var page = await _ui.SignInAsync(researcher.Email, researcher.Password);
        await WebUi.GoToAsync(page, $"/submissions/new?templateId={template.Id}");

        await page.GetByLabel("Sheet file (CSV or XLSX) — choose or drop it here").SetInputFilesAsync(new FilePayload
        {
            Name = "plate-web.csv", MimeType = "text/csv", Buffer = TemplateLab.Csv(rows),
        });
        await _ui.WaitUntilEnabledAsync(page.GetByRole(AriaRole.Button, new() { Name = "Check" }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();

        await page.GetByTestId("error-table").WaitForAsync();
        (await page.GetByTestId("submission-outcome").InnerTextAsync()).ShouldStartWith("Check found problems in 2 of 6 rows");
        var errorRows = await page.GetByTestId("error-table").Locator("tbody tr").AllInnerTextsAsync();
        errorRows.Count.ShouldBe(2);
        errorRows[0].ShouldStartWith("3\tVolume_uL\t900\t");
        errorRows[1].ShouldStartWith("6\tProject\toncology\t");
        var bad = page.GetByTestId("error-sheet").Locator("td.bad");
        (await bad.CountAsync()).ShouldBe(2);
        (await bad.Nth(0).GetAttributeAsync("data-row")).ShouldBe("3");
        (await bad.Nth(0).GetAttributeAsync("data-column")).ShouldBe("Volume_uL");
        (await bad.Nth(1).GetAttributeAsync("data-row")).ShouldBe("6");
        (await bad.Nth(1).GetAttributeAsync("data-column")).ShouldBe("Project");
        await WebUi.ShouldPassAxeAsync(page, "/submissions/new (errors)");
        await WebUi.ScreenshotAsync(page, "submission-errors");

        rows[1][3] = "90";
        rows[4][6] = "ONC-123";
        await page.GetByLabel("Sheet file (CSV or XLSX) — choose or drop it here").SetInputFilesAsync(new FilePayload
        {
            Name = "plate-web-fixed.csv", MimeType = "text/csv", Buffer = TemplateLab.Csv(rows),
        });
        await page.GetByTestId("error-table").WaitForAsync(new() { State = WaitForSelectorState.Detached }); // the new file clears the old report
        await _ui.WaitUntilEnabledAsync(page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();

        await page.GetByTestId("created-samples").WaitForAsync();
        (await page.GetByTestId("submission-outcome").InnerTextAsync()).ShouldBe("Submitted: 6 samples created.");
        var links = await page.GetByTestId("created-samples").GetByRole(AriaRole.Link).AllInnerTextsAsync();
        links.ShouldBe([.. Enumerable.Range(1, 6).Select(i => $"{prefix}-{i:D3}")]);

        await WebUi.GoToAsync(page, "/submissions");
        // The interactive render loads the list again after the server-rendered one: wait for it rather than count at once.
        await page.GetByRole(AriaRole.Link, new() { Name = "plate-web-fixed.csv" }).WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/submissions");
    }

    [Fact]
    public async Task A_principal_investigator_creates_edits_and_publishes_a_template()
    {
        var pi = await _auth.CreateUserAsync("principal_investigator");
        var page = await _ui.SignInAsync(pi.Email, pi.Password);
        await WebUi.GoToAsync(page, "/templates");
        var name = $"Web plate {Guid.NewGuid():N}"[..22];

        await page.GetByLabel("Template name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
        // Interactive navigation: the URL changes without a page load.
        await page.WaitForURLAsync(new Regex("/templates/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("template-status").WaitForAsync();
        await WebUi.WaitForInteractiveAsync(page);
        (await page.GetByTestId("template-status").InnerTextAsync()).ShouldBe("draft");
        (await page.GetByTestId("field-editor").CountAsync()).ShouldBe(2); // name and sample type, mapped and required

        await page.GetByRole(AriaRole.Button, new() { Name = "Add column" }).ClickAsync();
        var third = page.GetByTestId("field-editor").Nth(2);
        await third.GetByLabel("Key").FillAsync("Donor_Id");
        await third.GetByLabel("Label").FillAsync("Donor");
        await third.GetByLabel("Maximum length").FillAsync("20");
        await third.GetByLabel("Pattern").FillAsync("D-[0-9]{4}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await page.GetByText("Draft saved.").WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/templates/{id} (draft editor)");
        await WebUi.ScreenshotAsync(page, "template-editor");

        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await page.GetByText("Published: researchers can now submit sheets with it.").WaitForAsync();
        (await page.GetByTestId("template-status").InnerTextAsync()).ShouldBe("published");
        (await page.GetByRole(AriaRole.Cell, new() { Name = "Donor_Id" }).CountAsync()).ShouldBe(1);
        (await page.GetByRole(AriaRole.Link, new() { Name = "Submit a sheet with this template" }).GetAttributeAsync("href"))
            .ShouldEndWith("/submissions/new?templateId=" + page.Url.Split('/')[^1]);

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download blank CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        csv.TrimStart('\uFEFF').ShouldStartWith("sample_name,sample_type,Donor_Id");

        await WebUi.GoToAsync(page, "/templates");
        await page.GetByRole(AriaRole.Link, new() { Name = name }).WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/templates");
    }
}
