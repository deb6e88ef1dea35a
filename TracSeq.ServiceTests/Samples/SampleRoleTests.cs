using System.Net;
using System.Net.Http.Json;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// Every sample and storage endpoint, for every role, against the role table of docs/roles.md: anyone signed in
/// reads; research scientists create; lab technicians edit, change status, move and manage storage; only lab
/// administrators discard.
/// </summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SampleRoleTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    public static TheoryData<string> Roles => [.. SampleLab.Roles];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_role_may_do_exactly_what_the_contract_allows(string role)
    {
        bool AtLeast(string minimum) => Array.IndexOf(SampleLab.Roles, role) >= Array.IndexOf(SampleLab.Roles, minimum);
        var sample = await _lab.CreateSampleAsync();
        var another = await _lab.CreateSampleAsync();
        var validated = await _lab.ValidatedSampleAsync();
        var box = await _lab.CreateBoxAsync(2, 2);
        using var client = await _lab.AsAsync(role);
        var outcomes = new List<string>();

        async Task Expect(string what, bool allowed, Func<Task<HttpResponseMessage>> call)
        {
            using var response = await call();
            var ok = allowed ? response.IsSuccessStatusCode : response.StatusCode == HttpStatusCode.Forbidden;
            if (!ok)
            {
                outcomes.Add($"{what}: expected {(allowed ? "success" : "403")}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        await Expect("list samples", true, () => client.GetAsync("/api/samples"));
        await Expect("read a sample", true, () => client.GetAsync($"/api/samples/{sample.Id}"));
        await Expect("read by barcode", true, () => client.GetAsync($"/api/samples/by-barcode/{sample.Barcode}"));
        await Expect("read events", true, () => client.GetAsync($"/api/samples/{sample.Id}/events"));
        await Expect("export", true, () => client.GetAsync($"/api/samples/export?format=csv&submissionId={Guid.NewGuid()}"));
        await Expect("stats", true, () => client.GetAsync("/api/samples/stats"));
        await Expect("list locations", true, () => client.GetAsync("/api/storage/locations"));
        await Expect("read a location", true, () => client.GetAsync($"/api/storage/locations/{box.Id}"));
        await Expect("location by barcode", true, () => client.GetAsync($"/api/storage/locations/by-barcode/{box.Barcode}"));

        await Expect("create a sample", AtLeast("research_scientist"),
            () => client.PostAsJsonAsync("/api/samples", new { name = "Role check", sampleType = "saliva", projectCode = SampleLab.DefaultProject }));
        await Expect("batch create", AtLeast("research_scientist"), async () =>
        {
            using var direct = await _lab.AsAsync(role, "samples");
            var submissionId = Guid.NewGuid();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch")
            {
                Content = JsonContent.Create(SampleLab.BatchBody(submissionId, 2))
            };
            request.Headers.Add("Idempotency-Key", submissionId.ToString());
            await ServiceIdentityHeader.SignAsync(request);
            return await direct.SendAsync(request);
        });

        await Expect("edit a sample", AtLeast("lab_technician"),
            () => client.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { notes = $"checked by {role}" }));
        await Expect("change status", AtLeast("lab_technician"),
            () => client.PostAsJsonAsync($"/api/samples/{sample.Id}/status", new { to = "received" }));
        await Expect("bulk status", AtLeast("lab_technician"),
            () => client.PostAsJsonAsync("/api/samples/bulk/status", new { ids = new[] { another.Id }, to = "received" }));
        await Expect("store a sample", AtLeast("lab_technician"),
            () => client.PutAsJsonAsync($"/api/samples/{validated.Id}/location", new { locationId = box.Id, position = "A1" }));
        await Expect("take it out", AtLeast("lab_technician"), () => client.DeleteAsync($"/api/samples/{validated.Id}/location"));
        await Expect("create a location", AtLeast("lab_technician"),
            () => client.PostAsJsonAsync("/api/storage/locations", new { name = "Bench fridge", kind = "fridge" }));
        await Expect("edit a location", AtLeast("lab_technician"),
            () => client.PatchAsJsonAsync($"/api/storage/locations/{box.Id}", new { name = $"Box of {role}" }));

        await Expect("discard", AtLeast("lab_administrator"),
            () => client.PostAsJsonAsync($"/api/samples/{another.Id}/status", new { to = "discarded", reason = "role check" }));

        outcomes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_token_every_sample_and_storage_endpoint_is_401()
    {
        using var client = fixture.CreateClient("gateway");
        var id = Guid.NewGuid();

        foreach (var response in new[]
        {
            await client.GetAsync("/api/samples"),
            await client.GetAsync($"/api/samples/{id}"),
            await client.GetAsync("/api/samples/by-barcode/ABCD-1"),
            await client.GetAsync("/api/samples/export"),
            await client.GetAsync("/api/samples/stats"),
            await client.GetAsync($"/api/samples/{id}/events"),
            await client.PostAsJsonAsync("/api/samples", new { name = "x", sampleType = "dna" }),
            await client.PatchAsJsonAsync($"/api/samples/{id}", new { notes = "x" }),
            await client.PostAsJsonAsync($"/api/samples/{id}/status", new { to = "received" }),
            await client.PostAsJsonAsync("/api/samples/bulk/status", new { ids = new[] { id }, to = "received" }),
            await client.PutAsJsonAsync($"/api/samples/{id}/location", new { locationId = id, position = "A1" }),
            await client.DeleteAsync($"/api/samples/{id}/location"),
            await client.GetAsync("/api/storage/locations"),
            await client.PostAsJsonAsync("/api/storage/locations", new { name = "x", kind = "room" }),
        })
        {
            using (response)
            {
                response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, response.RequestMessage!.RequestUri!.ToString());
            }
        }
    }
}
