using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Sequencing;
using TracSeq.Tests.Templates;

namespace TracSeq.Tests.Samples;

/// <summary>
/// The project rules in Sequencing and Templates, end to end, with the two groups of <see cref="ProjectGroups"/>: each
/// owner makes a library of their sample and submits a sheet into their project; staff pool both libraries and put
/// the pool on a run. Every route of both services' OpenAPI documents that names a resource is called with the other
/// group's ids: a library or submission of another project answers exactly as an id that never existed (404), a
/// viewer reads but may not write (403); pools, runs, their results and sample sheets are the facility's (404 to
/// read, 403 to change, for anyone but staff). A new route under a known resource is covered without editing this.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ProjectVisibilityInSequencingAndTemplatesTests(AppHostFixture fixture)
{
    private readonly ProjectGroups _groups = new(fixture);
    private readonly SampleLab _lab = new(fixture);
    private readonly TemplateLab _templates = new(fixture);
    private readonly AuthApiClient _auth = new(fixture);

    /// <summary>What a group has in Sequencing and Templates besides its sample.</summary>
    private sealed record Work(Guid LibraryId, string LibraryBarcode, Guid SubmissionId);

    private async Task<Work> WorkAsync(ProjectGroups.Group group, Guid templateId, int index)
    {
        using var made = await group.OwnerClient.PostAsJsonAsync("/api/libraries", new
        {
            sampleId = group.Sample.Id, fragmentSizeBp = 350, concentrationNgUl = 2.3,
            index = new { index1 = SequencingLab.I7[index], index2 = SequencingLab.I5[index] },
        });
        made.StatusCode.ShouldBe(HttpStatusCode.Created, await made.Content.ReadAsStringAsync());
        var library = (await made.Content.ReadFromJsonAsync<LibraryInfo>(SampleLab.Json))!;

        // The sheet has no project column: the form names the project for every row.
        var sheet = TemplateLab.Csv([[$"Sheet {group.Token}", "dna"]], headers: ["Sample_Name", "Sample_Type"]);
        using var submitted = await _templates.SubmitAsync(sheet, "plate.csv", templateId, client: group.OwnerClient, projectCode: group.Token);
        var report = await TemplateLab.ReportAsync(submitted, HttpStatusCode.Created);
        return new Work(library.Id, library.Barcode, report.SubmissionId);
    }

    [Fact]
    public async Task Every_route_of_the_sequencing_and_templates_documents_answers_another_groups_ids_as_ids_that_never_existed()
    {
        using var a = await _groups.GroupAsync("GS");
        using var b = await _groups.GroupAsync("GT");
        var template = await _templates.CreateTemplateAsync();
        var workA = await WorkAsync(a, template.Id, 0);
        var workB = await WorkAsync(b, template.Id, 1);
        using var staff = await _lab.TechnicianAsync();
        var sequencing = new SequencingLab(fixture);
        var pool = await sequencing.CreatePoolAsync([workA.LibraryId, workB.LibraryId]);
        var run = await sequencing.CreateRunAsync(SequencingLab.RunBody("MiSeq", [(1, pool.Id)]));
        var ids = new Dictionary<string, (Guid A, Guid B)>
        {
            ["libraries"] = (workA.LibraryId, workB.LibraryId),
            ["submissions"] = (workA.SubmissionId, workB.SubmissionId),
            ["pools"] = (pool.Id, pool.Id),
            ["runs"] = (run.Id, run.Id),
        };

        using var gateway = _auth.Client("gateway");
        var checkedRoutes = new List<string>();
        var failures = new List<string>();
        foreach (var service in new[] { "sequencing", "templates" })
        {
            using var document = JsonDocument.Parse(await gateway.GetStringAsync($"/openapi/{service}.json"));
            foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Name.Contains('{')))
            {
                var resource = path.Name.Split('/')[2]; // /api/{resource}/{id}/...
                if (resource is "index-kits" or "templates")
                {
                    continue; // shared by every group: no project's data
                }
                if (!ids.TryGetValue(resource, out var id))
                {
                    failures.Add($"{path.Name}: a resource this test does not know; say whose it is in the ids above");
                    continue;
                }
                var facility = resource is "pools" or "runs";
                foreach (var operation in path.Value.EnumerateObject().Where(o => ProjectGroups.Methods.Contains(o.Name)))
                {
                    var method = new HttpMethod(operation.Name.ToUpperInvariant());
                    var body = ProjectGroups.RequestExample(operation.Value);
                    var form = ProjectGroups.TakesForm(operation.Value);
                    var read = method == HttpMethod.Get;
                    checkedRoutes.Add($"{method} {path.Name}");
                    string Fill(Guid? with) => path.Name.Replace("{id}", (with ?? Guid.NewGuid()).ToString(), StringComparison.Ordinal);

                    // B's owner: A's resource answers exactly as one that never existed.
                    var theirs = await ProjectGroups.SendAsync(b.OwnerClient, method, Fill(id.A), body, form);
                    var never = await ProjectGroups.SendAsync(b.OwnerClient, method, Fill(null), body, form);
                    ProjectGroups.Expect(failures, $"{method} {path.Name} by the other group", theirs,
                        facility && !read ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound);
                    if (theirs.Status != never.Status || theirs.Title != never.Title)
                    {
                        failures.Add($"{method} {path.Name}: another group's id answers {(int)theirs.Status} '{theirs.Title}', "
                            + $"an unknown id {(int)never.Status} '{never.Title}'");
                    }

                    // A's viewer reads A's libraries and submissions but changes nothing; a facility object is not theirs at all.
                    var viewer = await ProjectGroups.SendAsync(a.ViewerClient, method, Fill(id.A), body, form);
                    ProjectGroups.Expect(failures, $"{method} {path.Name} by a viewer", viewer,
                        facility ? (read ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden) : read ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
                    if (facility)
                    {
                        var owner = await ProjectGroups.SendAsync(a.OwnerClient, method, Fill(id.A), body, form);
                        ProjectGroups.Expect(failures, $"{method} {path.Name} by the owner", owner, read ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
                    }

                    // Staff read everything (a run without imported results has none to show: 404 there is its own answer).
                    if (read && !path.Name.Contains("/results", StringComparison.Ordinal))
                    {
                        ProjectGroups.Expect(failures, $"{method} {path.Name} by staff", await ProjectGroups.SendAsync(staff, method, Fill(id.A), null),
                            HttpStatusCode.OK);
                    }
                }
            }
        }

        checkedRoutes.ShouldContain("GET /api/libraries/{id}");
        checkedRoutes.ShouldContain("PATCH /api/libraries/{id}");
        checkedRoutes.ShouldContain("GET /api/runs/{id}/samplesheet");
        checkedRoutes.ShouldContain("GET /api/runs/{id}/results");
        checkedRoutes.ShouldContain("GET /api/submissions/{id}");
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));

        // Lists, search and checks show nothing of the other group, not even in totals; facility lists are staff's.
        foreach (var q in new[] { workA.LibraryBarcode, a.Sample.Barcode })
        {
            var page = (await b.OwnerClient.GetFromJsonAsync<PageOf<JsonElement>>($"/api/libraries?q={Uri.EscapeDataString(q)}", SampleLab.Json))!;
            (page.Total, page.Items.Count).ShouldBe((0, 0), q);
        }
        (await b.OwnerClient.GetFromJsonAsync<PageOf<JsonElement>>($"/api/libraries?poolId={pool.Id}&pageSize=500", SampleLab.Json))!
            .Items.Select(l => l.GetProperty("id").GetGuid()).ShouldBe([workB.LibraryId]);
        (await b.OwnerClient.GetFromJsonAsync<PageOf<JsonElement>>("/api/pools", SampleLab.Json))!.Total.ShouldBe(0);
        (await b.OwnerClient.GetFromJsonAsync<PageOf<JsonElement>>("/api/runs", SampleLab.Json))!.Total.ShouldBe(0);
        (await staff.GetFromJsonAsync<PageOf<JsonElement>>($"/api/libraries?poolId={pool.Id}", SampleLab.Json))!.Total.ShouldBe(2);
        using (var check = await b.OwnerClient.PostAsJsonAsync("/api/index-checks", new { libraryIds = new[] { workA.LibraryId } }))
        {
            check.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "another group's library is unknown");
        }
        var submissions = (await b.OwnerClient.GetFromJsonAsync<PageOf<JsonElement>>("/api/submissions?pageSize=500", SampleLab.Json))!;
        submissions.Items.Select(s => s.GetProperty("submissionId").GetGuid()).ShouldBe([workB.SubmissionId]);

        // Submitting into another group's project, or one's own as a viewer: 403 naming the project.
        var sheet = TemplateLab.Csv([["Into A", "dna"]], headers: ["Sample_Name", "Sample_Type"]);
        foreach (var client in new[] { b.OwnerClient, a.ViewerClient })
        {
            using var refused = await _templates.SubmitAsync(sheet, "plate.csv", template.Id, client: client, projectCode: a.Token);
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, await refused.Content.ReadAsStringAsync());
            (await SampleLab.ProblemAsync(refused)).GetProperty("detail").GetString().ShouldBe(a.Token);
        }
        using (var unnamed = await _templates.SubmitAsync(sheet, "plate.csv", template.Id, client: a.OwnerClient))
        {
            // No project column and no form field: each row is an error in the report, nothing is committed.
            var report = await TemplateLab.ReportAsync(unnamed, HttpStatusCode.UnprocessableEntity);
            report.Errors.ShouldHaveSingleItem().Column.ShouldBe("projectCode");
        }

        // A removal reaches Sequencing and Templates with the token the viewer already holds.
        (await a.ViewerClient.GetAsync($"/api/libraries/{workA.LibraryId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await a.OwnerClient.DeleteAsync($"/api/projects/{a.Project.Id}/members/{a.Viewer.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var removedAt = System.Diagnostics.Stopwatch.StartNew();
        foreach (var path in new[] { $"/api/libraries/{workA.LibraryId}", $"/api/submissions/{workA.SubmissionId}" })
        {
            // The announcement crosses Redis to the other services: within 1 s (rule 3), asked until then.
            HttpStatusCode status;
            while ((status = (await a.ViewerClient.GetAsync(path)).StatusCode) != HttpStatusCode.NotFound && removedAt.Elapsed < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(50);
            }
            status.ShouldBe(HttpStatusCode.NotFound, $"{path} {removedAt.ElapsedMilliseconds} ms after the removal");
        }

        // Staff move A's sample to B's project: its library goes with it, in the same step, and says so in its trail.
        using (var move = new HttpRequestMessage(HttpMethod.Patch, $"/api/samples/{a.Sample.Id}")
        {
            Content = JsonContent.Create(new { projectCode = b.Token })
        })
        using (var moved = await staff.SendAsync(move))
        {
            moved.StatusCode.ShouldBe(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
        }
        (await b.OwnerClient.GetAsync($"/api/libraries/{workA.LibraryId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await a.OwnerClient.GetAsync($"/api/libraries/{workA.LibraryId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var trail = (await b.OwnerClient.GetFromJsonAsync<JsonElement>($"/api/libraries/{workA.LibraryId}/events", SampleLab.Json));
        trail.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldBe(["created", "project_changed"]);

        using var metrics = MetricsClient.For(fixture, "sequencing");
        (await metrics.GetStringAsync("/metrics")).ShouldContain("tracseq_authorization_denials_total{service=\"sequencing\",reason=\"not_member\"}");
    }
}
