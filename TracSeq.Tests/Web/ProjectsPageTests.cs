using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Web;

/// <summary>
/// The Projects page in the browser: a principal investigator creates a project and adds a colleague by e-mail; the
/// colleague then finds the project's sample (home, the samples list filtered by the project picker), and someone
/// outside the project finds nothing — not the project, not the sample, and in the box only an occupied position.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ProjectsPageTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly SampleLab _lab = new(app);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task An_owner_adds_a_member_who_then_sees_the_projects_sample_and_a_non_member_sees_nothing_of_it()
    {
        var owner = await _auth.CreateUserAsync("principal_investigator");
        var member = await _auth.CreateUserAsync("research_scientist");
        var outsider = await _auth.CreateUserAsync("research_scientist");
        var code = SampleLab.Unique("WPRJ");

        // The owner creates the project and adds the member by e-mail.
        var page = await _ui.SignInAsync(owner.Email, owner.Password);
        await WebUi.GoToAsync(page, "/projects");
        await page.GetByLabel("Project code").FillAsync(code);
        await page.GetByLabel("Project name").FillAsync($"Liver cohort {code}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/projects/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
        var projectPath = new Uri(page.Url).AbsolutePath;
        await page.GetByLabel("Member email").WaitForAsync();
        await WebUi.WaitForInteractiveAsync(page);
        await page.GetByLabel("Member email").FillAsync(member.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
        await page.GetByText($"{member.Email} is now member of {code}.").WaitForAsync();
        var members = await page.GetByTestId("members").Locator("tbody tr").AllInnerTextsAsync();
        members.Count.ShouldBe(2);
        members.ShouldContain(row => row.Contains(owner.Email) && row.Contains("owner"));
        members.ShouldContain(row => row.Contains(member.Email) && row.Contains("member"));
        (await page.GetByTestId("project-history").InnerTextAsync()).ShouldContain($"member added by");
        await page.GetByLabel("Member email").FillAsync("nobody-" + member.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
        await page.GetByText($"No active account has the address nobody-{member.Email}.").WaitForAsync();
        await WebUi.ShouldPassAxeAsync(page, "/projects/{id}");
        await WebUi.ScreenshotAsync(page, "project");

        // A sample of the project, stored by the staff in a box.
        using var ownerClient = _auth.Client("gateway", (await _auth.LoginAsync(owner.Email, owner.Password)).AccessToken);
        using var created = await ownerClient.PostAsJsonAsync("/api/samples", new { name = $"Only {code} has this", sampleType = "dna", projectCode = code });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var sample = (await created.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        await _lab.MoveAsync(sample.Id, "received", "validated");
        var box = await _lab.CreateBoxAsync(rows: 2, columns: 3);
        using (var placed = await _lab.PlaceAsync(sample.Id, box.Id, "B2"))
        {
            placed.StatusCode.ShouldBe(HttpStatusCode.OK, await placed.Content.ReadAsStringAsync());
        }

        // The member: the project on the home page with its count, the sample through the project picker.
        var memberPage = await _ui.SignInAsync(member.Email, member.Password);
        var mine = memberPage.GetByTestId("my-projects").Locator("tbody tr", new() { HasText = code });
        await mine.WaitForAsync();
        // Cells: role, then one per status (pending, received, validated, in_storage, …), then the total; placing the
        // sample in the box stored it.
        (await mine.Locator("td").Nth(0).InnerTextAsync()).ShouldBe("member");
        (await mine.Locator("td").Nth(4).InnerTextAsync()).ShouldBe("1");
        (await mine.Locator("td").Last.InnerTextAsync()).ShouldBe("1");
        await WebUi.ShouldPassAxeAsync(memberPage, "/ (a member's projects)");
        await WebUi.GoToAsync(memberPage, "/samples");
        await memberPage.GetByRole(AriaRole.Combobox, new() { Name = "Project" }).FillAsync(code);
        await memberPage.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await memberPage.WaitForURLAsync($"**/samples?project={code}", new() { WaitUntil = WaitUntilState.Commit });
        await memberPage.GetByRole(AriaRole.Link, new() { Name = sample.Barcode }).WaitForAsync();
        await memberPage.GetByText("1 samples").WaitForAsync();

        // Someone outside the project: no project, no sample, an occupied position in the box and nothing more.
        var outsiderPage = await _ui.SignInAsync(outsider.Email, outsider.Password);
        await WebUi.GoToAsync(outsiderPage, $"/samples?project={code}");
        await outsiderPage.GetByText($"No project {code} that you can see.").WaitForAsync();
        (await outsiderPage.Locator("tbody tr").CountAsync()).ShouldBe(0);
        await WebUi.GoToAsync(outsiderPage, projectPath);
        await outsiderPage.GetByText("No such project, or you are not a member of it.").WaitForAsync();
        await WebUi.GoToAsync(outsiderPage, "/projects");
        await outsiderPage.GetByText("0 projects").WaitForAsync();
        await WebUi.ShouldPassAxeAsync(outsiderPage, "/projects");
        await WebUi.GoToAsync(outsiderPage, $"/storage/{box.Id}");
        var position = outsiderPage.Locator("td[data-position='B2']");
        await position.WaitForAsync();
        (await position.InnerTextAsync()).Trim().ShouldBe("Occupied");
        (await position.Locator("a").CountAsync()).ShouldBe(0);
        (await outsiderPage.ContentAsync()).ShouldNotContain(sample.Barcode);
        (await outsiderPage.ContentAsync()).ShouldNotContain(code);
    }
}
