using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// The project rules, at Samples: two research groups (each a principal investigator who owns a project) and the
/// facility staff. A group's samples do not exist for the other group, on every route of Samples' OpenAPI document
/// (rule 1: the same 404 as an id that never existed), a viewer reads but may not write (rule 4: 403), staff see
/// everything, lists, search, stats, export and the box grid show nothing of the other group, and a removed member
/// loses access at once with the token they already hold.
/// </summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class ProjectVisibilityTests(SamplesService fixture)
{
    private static readonly string[] Methods = ProjectGroups.Methods;
    private readonly SampleLab _lab = new(fixture);
    private readonly ProjectGroups _groups = new(fixture);

    [Fact]
    public async Task Every_route_of_the_samples_document_called_with_the_other_groups_ids_answers_as_an_id_that_never_existed()
    {
        using var a = await _groups.GroupAsync("GA");
        using var b = await _groups.GroupAsync("GB");
        using var staff = await _lab.TechnicianAsync();
        using var service = fixture.CreateClient();
        using var document = JsonDocument.Parse(await service.GetStringAsync("/openapi/v1.json"));

        var checkedRoutes = new List<string>();
        var failures = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                if (ProjectResourceOf(path.Name) is not { } kind)
                {
                    continue; // no project's resource in the path: shared places, staff-only settings, lists (below)
                }
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var body = ProjectGroups.RequestExample(operation.Value);
                checkedRoutes.Add($"{method} {path.Name}");

                // B's owner: A's resource is absent, exactly as one that never existed.
                var theirs = await ProjectGroups.SendAsync(b.OwnerClient, method, Fill(path.Name, a, b.Owner.Id), body);
                var never = await ProjectGroups.SendAsync(b.OwnerClient, method, Fill(path.Name, null, b.Owner.Id), body);
                ProjectGroups.Expect(failures, $"{method} {path.Name} by the other group", theirs, HttpStatusCode.NotFound);
                if (theirs.Status != never.Status || theirs.Title != never.Title)
                {
                    failures.Add($"{method} {path.Name}: another group's id answers {(int)theirs.Status} '{theirs.Title}', "
                        + $"an unknown id {(int)never.Status} '{never.Title}'");
                }

                // A's viewer reads, but may not change anything (a principal investigator could, as a member).
                var viewer = await ProjectGroups.SendAsync(a.ViewerClient, method, Fill(path.Name, a, a.Owner.Id), body);
                ProjectGroups.Expect(failures, $"{method} {path.Name} by a viewer", viewer,
                    method == HttpMethod.Get ? HttpStatusCode.OK : HttpStatusCode.Forbidden);

                // Staff read everything (their writes are the lab's daily work, tested elsewhere).
                if (method == HttpMethod.Get)
                {
                    ProjectGroups.Expect(failures, $"{method} {path.Name} by staff",
                        await ProjectGroups.SendAsync(staff, method, Fill(path.Name, a, a.Owner.Id), null), HttpStatusCode.OK);
                }
            }
        }

        checkedRoutes.ShouldContain("GET /api/samples/{id}");
        checkedRoutes.ShouldContain("GET /api/samples/by-barcode/{barcode}");
        checkedRoutes.ShouldContain("PATCH /api/samples/{id}");
        checkedRoutes.ShouldContain("DELETE /api/projects/{id}/members/{userId}");
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));

        // A's sample was changed by none of it.
        (await a.OwnerClient.GetFromJsonAsync<SampleInfo>($"/api/samples/{a.Sample.Id}", SampleLab.Json))!.Version.ShouldBe(a.Sample.Version);
    }

    [Fact]
    public async Task Lists_search_stats_export_and_the_box_grid_show_nothing_of_the_other_group()
    {
        using var a = await _groups.GroupAsync("GC");
        using var b = await _groups.GroupAsync("GD");
        using var staff = await _lab.TechnicianAsync();

        // A's name, barcode, metadata and project code are searched for by B: nothing, not even in the totals.
        foreach (var q in new[] { a.Token, a.Sample.Barcode, $"donor-{a.Token}" })
        {
            var page = (await b.OwnerClient.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?q={Uri.EscapeDataString(q)}", SampleLab.Json))!;
            (page.Total, page.Items.Count).ShouldBe((0, 0), q);
            using var stats = JsonDocument.Parse(await b.OwnerClient.GetStringAsync($"/api/samples/stats?q={Uri.EscapeDataString(q)}"));
            stats.RootElement.GetProperty("total").GetInt64().ShouldBe(0, q);
            var csv = await b.OwnerClient.GetStringAsync($"/api/samples/export?format=csv&q={Uri.EscapeDataString(q)}");
            csv.ShouldNotContain(a.Token);
            csv.Trim().Split('\n').Length.ShouldBe(1, "the header only");
        }
        // Their own list is theirs alone; staff see both.
        var mine = (await b.OwnerClient.GetFromJsonAsync<PageOf<SampleInfo>>("/api/samples?pageSize=500", SampleLab.Json))!;
        mine.Items.ShouldAllBe(s => s.ProjectCode == b.Token);
        mine.Total.ShouldBe(1);
        var all = (await staff.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?q={a.Token}", SampleLab.Json))!;
        all.Total.ShouldBe(1);

        // Filtering by another group's project is refused as for a project that does not exist, naming the code.
        using (var filtered = await b.OwnerClient.GetAsync($"/api/samples?projectCode={a.Token}"))
        {
            filtered.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await SampleLab.ProblemAsync(filtered)).GetProperty("detail").GetString().ShouldBe(a.Token);
        }
        var projects = (await b.OwnerClient.GetFromJsonAsync<PageOf<ProjectInfo>>($"/api/projects?q={a.Token}", SampleLab.Json))!;
        projects.Total.ShouldBe(0);

        // The box: A's sample is an occupied position, with no id, barcode or name to follow.
        using var grid = JsonDocument.Parse(await b.OwnerClient.GetStringAsync($"/api/storage/locations/{a.Box.Id}"));
        var position = grid.RootElement.GetProperty("contents").EnumerateArray().Single();
        position.GetProperty("position").GetString().ShouldBe("A1");
        foreach (var hidden in new[] { "id", "barcode", "name", "sampleType", "status" })
        {
            position.GetProperty(hidden).ValueKind.ShouldBe(JsonValueKind.Null, hidden);
        }
        grid.RootElement.GetRawText().ShouldNotContain(a.Token);
        using var ownGrid = JsonDocument.Parse(await a.OwnerClient.GetStringAsync($"/api/storage/locations/{a.Box.Id}"));
        ownGrid.RootElement.GetProperty("contents")[0].GetProperty("barcode").GetString().ShouldBe(a.Sample.Barcode);

        // Registering into, labelling and moving another group's samples: as if they did not exist.
        using (var register = await b.OwnerClient.PostAsJsonAsync("/api/samples", new { name = "Into A", sampleType = "dna", projectCode = a.Token }))
        {
            register.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await SampleLab.ProblemAsync(register)).GetProperty("detail").GetString().ShouldBe(a.Token);
        }
        using (var labels = await b.OwnerClient.PostAsJsonAsync("/api/labels", new { sampleIds = new[] { a.Sample.Id }, format = "pdf" }))
        {
            labels.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        using (var bulk = await b.OwnerClient.PostAsJsonAsync("/api/samples/bulk/status", new { ids = new[] { a.Sample.Id }, to = "in_storage" }))
        {
            bulk.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Registering_needs_a_project_of_ones_own_and_staff_without_one_file_into_unassigned()
    {
        using var a = await _groups.GroupAsync("GE");
        using (var none = await a.OwnerClient.PostAsJsonAsync("/api/samples", new { name = "No project", sampleType = "dna" }))
        {
            none.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await SampleLab.ErrorFieldsAsync(none)).ShouldBe(["projectCode"]);
        }
        using (var unknown = await a.OwnerClient.PostAsJsonAsync("/api/samples", new { name = "Typo", sampleType = "dna", projectCode = a.Token + "X" }))
        {
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        using (var viewer = await a.ViewerClient.PostAsJsonAsync("/api/samples", new { name = "Viewer", sampleType = "dna", projectCode = a.Token }))
        {
            viewer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        // A plain client: the lab's own clients fill in its default project.
        using var staff = OutsideClient.Create(fixture.Address, (await _lab.SessionAsync("lab_technician")).AccessToken);
        using var filed = await staff.PostAsJsonAsync("/api/samples", new { name = "Staff, no project", sampleType = "dna" });
        filed.StatusCode.ShouldBe(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());
        var sample = (await filed.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        sample.ProjectCode.ShouldBe("UNASSIGNED");
        (await a.OwnerClient.GetAsync($"/api/samples/{sample.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Staff move it into A's project (audited): now A sees it.
        using var move = new HttpRequestMessage(HttpMethod.Patch, $"/api/samples/{sample.Id}") { Content = JsonContent.Create(new { projectCode = a.Token }) };
        using (var moved = await staff.SendAsync(move))
        {
            moved.StatusCode.ShouldBe(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
        }
        (await a.OwnerClient.GetFromJsonAsync<SampleInfo>($"/api/samples/{sample.Id}", SampleLab.Json))!.ProjectCode.ShouldBe(a.Token);
        var change = (await SampleLab.EventsAsyncAs(staff, sample.Id)).Last().Change("projectCode");
        (change.GetProperty("old").GetString(), change.GetProperty("new").GetString()).ShouldBe(("UNASSIGNED", a.Token));
    }

    [Fact]
    public async Task A_removed_member_loses_the_project_at_once_with_the_token_they_hold_and_the_removal_is_audited()
    {
        using var a = await _groups.GroupAsync("GF");
        // Read once, so the sample and the viewer's memberships are cached.
        (await a.ViewerClient.GetAsync($"/api/samples/by-barcode/{a.Sample.Barcode}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var removed = await a.OwnerClient.DeleteAsync($"/api/projects/{a.Project.Id}/members/{a.Viewer.Id}"))
        {
            removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await a.ViewerClient.GetAsync($"/api/samples/by-barcode/{a.Sample.Barcode}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await a.ViewerClient.GetAsync($"/api/samples/{a.Sample.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var events = (await a.OwnerClient.GetFromJsonAsync<PageOf<JsonElement>>($"/api/projects/{a.Project.Id}/events", SampleLab.Json))!.Items;
        events.Select(e => e.GetProperty("type").GetString()).ShouldBe(["created", "member_added", "member_added", "member_removed"]);
        var removal = events[^1];
        removal.GetProperty("actorId").GetGuid().ShouldBe(a.Owner.Id);
        removal.GetProperty("userId").GetGuid().ShouldBe(a.Viewer.Id);

        // The last owner stays.
        (await a.OwnerClient.DeleteAsync($"/api/projects/{a.Project.Id}/members/{a.Owner.Id}")).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // The refusals are counted.
        using var metrics = fixture.CreateClient();
        (await metrics.GetStringAsync("/metrics")).ShouldContain("tracseq_authorization_denials_total{service=\"samples\",reason=\"not_member\"}");
    }

    /// <summary>What kind of a project's resource a path names, by its first segment after /api; null when none.</summary>
    private static string? ProjectResourceOf(string path) =>
        !path.Contains('{') ? null
        : path.StartsWith("/api/samples/", StringComparison.Ordinal) ? "sample"
        : path.StartsWith("/api/projects/", StringComparison.Ordinal) ? "project"
        : path.StartsWith("/api/submissions/", StringComparison.Ordinal) ? "submission"
        : null; // storage locations are shared by the facility (their contents are masked, see the grid test); webhooks are staff-only

    /// <summary>The path with <paramref name="group"/>'s ids, or ids that never existed when it is null.</summary>
    private static string Fill(string path, ProjectGroups.Group? group, Guid userId)
    {
        var id = path.StartsWith("/api/projects/", StringComparison.Ordinal) ? group?.Project.Id
            : path.StartsWith("/api/submissions/", StringComparison.Ordinal) ? group?.SubmissionId
            : group?.Sample.Id;
        return path.Replace("{id}", (id ?? Guid.NewGuid()).ToString(), StringComparison.Ordinal)
            .Replace("{barcode}", group?.Sample.Barcode ?? SampleLab.Unique("NEVER"), StringComparison.Ordinal)
            .Replace("{userId}", userId.ToString(), StringComparison.Ordinal);
    }
}
