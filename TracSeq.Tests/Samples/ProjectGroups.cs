using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Samples;

/// <summary>
/// What the project-rule tests share: two research groups, each a principal investigator owning a project with a
/// viewer and a sample, and the calls of an OpenAPI document's routes with one group's ids or ids that never existed.
/// </summary>
public sealed class ProjectGroups(AppHostFixture fixture)
{
    public static readonly string[] Methods = ["get", "put", "post", "patch", "delete"];
    private readonly SampleLab _lab = new(fixture);
    private readonly AuthApiClient _auth = new(fixture);

    /// <summary>One group: its owner (a principal investigator), a viewer (also a principal investigator, so only the
    /// membership stops their writes), its project and one sample of it, stored in a box and made by a submission.</summary>
    public sealed record Group(
        string Token, TestUser Owner, HttpClient OwnerClient, TestUser Viewer, HttpClient ViewerClient,
        ProjectInfo Project, SampleInfo Sample, Guid SubmissionId, LocationInfo Box) : IDisposable
    {
        public void Dispose()
        {
            OwnerClient.Dispose();
            ViewerClient.Dispose();
        }
    }

    public async Task<(TestUser User, HttpClient Client)> SignedInAsync(string role)
    {
        var user = await _auth.CreateUserAsync(role);
        return (user, _auth.Client("gateway", (await _auth.LoginAsync(user.Email, user.Password)).AccessToken));
    }

    public async Task<Group> GroupAsync(string prefix)
    {
        var token = SampleLab.Unique(prefix);
        var (owner, ownerClient) = await SignedInAsync("principal_investigator");
        var (viewer, viewerClient) = await SignedInAsync("principal_investigator");
        using var created = await ownerClient.PostAsJsonAsync("/api/projects", new { code = token, name = $"Group {token}" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var project = (await created.Content.ReadFromJsonAsync<ProjectInfo>(SampleLab.Json))!;
        project.MyRole.ShouldBe("owner");
        using (var added = await ownerClient.PutAsJsonAsync($"/api/projects/{project.Id}/members/{viewer.Id}", new { role = "viewer" }))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        // A submission's sample, made by the owner through the internal batch as Templates would.
        var submissionId = Guid.NewGuid();
        using var batchClient = _auth.Client("samples", (await _auth.LoginAsync(owner.Email, owner.Password)).AccessToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch")
        {
            Content = JsonContent.Create(new
            {
                submissionId, templateId = Guid.NewGuid(), templateVersion = 1,
                samples = new[] { new { name = $"Only {token} uses this name", sampleType = "dna", projectCode = token,
                    metadata = new { donor = $"donor-{token}" } } },
            }),
        };
        request.Headers.Add("Idempotency-Key", submissionId.ToString());
        await ServiceIdentityHeader.SignAsync(fixture, request);
        using var batch = await batchClient.SendAsync(request);
        batch.StatusCode.ShouldBe(HttpStatusCode.Created, await batch.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await batch.Content.ReadAsStringAsync());
        var sampleId = body.RootElement.GetProperty("samples")[0].GetProperty("id").GetGuid();

        // Staff receive and store it in a box of their own.
        await _lab.MoveAsync(sampleId, "received", "validated");
        var box = await _lab.CreateBoxAsync(rows: 2, columns: 2);
        using (var placed = await _lab.PlaceAsync(sampleId, box.Id, "A1"))
        {
            placed.StatusCode.ShouldBe(HttpStatusCode.OK, await placed.Content.ReadAsStringAsync());
        }
        var sample = (await ownerClient.GetFromJsonAsync<SampleInfo>($"/api/samples/{sampleId}", SampleLab.Json))!;
        return new Group(token, owner, ownerClient, viewer, viewerClient, project, sample, submissionId, box);
    }

    /// <summary>The operation's documented request example, or an empty object when it takes a body without one.</summary>
    public static string? RequestExample(JsonElement operation)
    {
        if (!operation.TryGetProperty("requestBody", out var body))
        {
            return null;
        }
        foreach (var content in body.GetProperty("content").EnumerateObject())
        {
            if (content.Value.TryGetProperty("example", out var example))
            {
                return example.GetRawText();
            }
        }
        return "{}";
    }

    public sealed record Answer(HttpStatusCode Status, string? Title, string Body);

    /// <summary>Whether the operation takes a multipart form (an upload) rather than JSON.</summary>
    public static bool TakesForm(JsonElement operation) =>
        operation.TryGetProperty("requestBody", out var body) &&
        body.GetProperty("content").EnumerateObject().Any(c => c.Name == "multipart/form-data");

    /// <summary>Calls the route with <paramref name="body"/> as JSON, or, for an upload, a form with one small part.</summary>
    public static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, string? body, bool form = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (form)
        {
            request.Content = new MultipartFormDataContent { { new ByteArrayContent("x"u8.ToArray()), "file", "RunInfo.xml" } };
        }
        else if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? title = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(text);
            title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
        }
        return new Answer(response.StatusCode, title, text);
    }

    public static void Expect(List<string> failures, string what, Answer answer, HttpStatusCode expected)
    {
        if (answer.Status != expected)
        {
            failures.Add($"{what}: {(int)answer.Status} (expected {(int)expected}) {answer.Body[..Math.Min(300, answer.Body.Length)]}");
        }
    }
}
