using System.Net;
using System.Net.Http.Json;

namespace TracSeq.ServiceTests.Templates;

/// <summary>Draft → published (frozen) → archived, new versions, and who may do what.</summary>
[Collection(TemplatesServiceCollection.Name)]
public sealed class TemplateLifecycleTests(TemplatesService fixture)
{
    private readonly TemplateLab _lab = new(fixture);

    [Fact]
    public async Task A_draft_is_edited_and_published_then_never_changes_and_changes_go_into_a_new_version()
    {
        using var pi = await _lab.AsAsync("principal_investigator");
        var draft = await _lab.CreateTemplateAsync(publish: false);
        (draft.Status, draft.Version, draft.LineageId).ShouldBe(("draft", 1, draft.Id));
        draft.Fields.Select(f => f.Key).ShouldBe(TemplateLab.Headers.Take(10));

        using var edited = await pi.PutAsJsonAsync($"/api/templates/{draft.Id}", TemplateLab.PlateTemplate("Plate v1 edited"));
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        using var published = await pi.PostAsync($"/api/templates/{draft.Id}/publish", null);
        (await published.Content.ReadFromJsonAsync<TemplateInfo>(TemplateLab.Json))!.Status.ShouldBe("published");

        using var putPublished = await pi.PutAsJsonAsync($"/api/templates/{draft.Id}", TemplateLab.PlateTemplate("Sneaky change"));
        using var deletePublished = await pi.DeleteAsync($"/api/templates/{draft.Id}");
        using var publishAgain = await pi.PostAsync($"/api/templates/{draft.Id}/publish", null);
        putPublished.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        deletePublished.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        publishAgain.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await pi.GetFromJsonAsync<TemplateInfo>($"/api/templates/{draft.Id}", TemplateLab.Json))!.Name.ShouldBe("Plate v1 edited");

        using var versioned = await pi.PostAsync($"/api/templates/{draft.Id}/versions", null);
        versioned.StatusCode.ShouldBe(HttpStatusCode.Created, await versioned.Content.ReadAsStringAsync());
        var v2 = (await versioned.Content.ReadFromJsonAsync<TemplateInfo>(TemplateLab.Json))!;
        (v2.Status, v2.Version, v2.LineageId, v2.Fields.Count).ShouldBe(("draft", 2, draft.Id, 10));
        using var secondDraft = await pi.PostAsync($"/api/templates/{draft.Id}/versions", null);
        secondDraft.StatusCode.ShouldBe(HttpStatusCode.Conflict); // one draft per template at a time

        using var publishV2 = await pi.PostAsync($"/api/templates/{v2.Id}/publish", null);
        publishV2.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await pi.GetFromJsonAsync<TemplateInfo>($"/api/templates/{draft.Id}", TemplateLab.Json))!.Status.ShouldBe("archived");
        var lineage = (await pi.GetFromJsonAsync<PageOf<TemplateInfo>>($"/api/templates?lineageId={draft.Id}", TemplateLab.Json))!;
        lineage.Items.Select(t => (t.Version, t.Status)).ShouldBe([(2, "published"), (1, "archived")]);
    }

    [Fact]
    public async Task Only_drafts_can_be_deleted_and_a_deleted_draft_is_gone()
    {
        using var pi = await _lab.AsAsync("principal_investigator");
        var draft = await _lab.CreateTemplateAsync(publish: false);

        using var deleted = await pi.DeleteAsync($"/api/templates/{draft.Id}");
        using var again = await pi.GetAsync($"/api/templates/{draft.Id}");

        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_template_that_cannot_make_samples_is_refused_field_by_field()
    {
        using var pi = await _lab.AsAsync("principal_investigator");
        using var response = await pi.PostAsJsonAsync("/api/templates", new
        {
            name = "Broken",
            fields = new object[]
            {
                new { key = "Name", type = "text", required = true },
                new { key = " name ", type = "text" },
                new { key = "Type", type = "select", required = true, mapsTo = "sampleType" },
                new { key = "Volume", type = "date", mapsTo = "volume" },
                new { key = "Code", type = "text", pattern = "([A-Z" },
                new { key = "Count", type = "colour" },
            },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await TemplateLab.ErrorFieldsAsync(response)).ShouldBe(
            ["fields[1].key", "fields[2].options", "fields[3].mapsTo", "fields[4].pattern", "fields[5].type", "fields"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("guest", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("data_analyst", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("research_scientist", HttpStatusCode.Forbidden, HttpStatusCode.OK)]
    [InlineData("lab_technician", HttpStatusCode.Forbidden, HttpStatusCode.OK)]
    [InlineData("principal_investigator", HttpStatusCode.Created, HttpStatusCode.OK)]
    [InlineData("lab_administrator", HttpStatusCode.Created, HttpStatusCode.OK)]
    public async Task Roles_principal_investigators_write_templates_research_scientists_submit_everyone_reads(
        string role, HttpStatusCode createTemplate, HttpStatusCode dryRun)
    {
        var template = await _lab.CreateTemplateAsync();
        using var client = await _lab.AsAsync(role);

        using var read = await client.GetAsync($"/api/templates/{template.Id}");
        using var create = await client.PostAsJsonAsync("/api/templates", TemplateLab.PlateTemplate());
        using var submit = await _lab.SubmitAsync(TemplateLab.Csv([TemplateLab.GoodRow(1, "ROLE")]), "plate.csv", template.Id, dryRun: true, client: client);

        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        create.StatusCode.ShouldBe(createTemplate);
        submit.StatusCode.ShouldBe(dryRun, await submit.Content.ReadAsStringAsync());
    }
}
