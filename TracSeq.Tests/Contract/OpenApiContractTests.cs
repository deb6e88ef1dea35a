using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Contract;

/// <summary>
/// Every OpenAPI document the gateway's /docs lists, fetched through the gateway as a client author would: each
/// operation has a summary and a description, declares at least one 4xx answer, declares 401 when it needs a token,
/// and types every error answer as application/problem+json. A service added to /docs is checked without a change here.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed partial class OpenApiContractTests(AppHostFixture fixture)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    private readonly AuthApiClient _auth = new(fixture);

    [GeneratedRegex(@"openapi/([a-z0-9-]+)\.json")]
    private static partial Regex DocumentLink();

    [Fact]
    public async Task Every_operation_of_every_listed_document_is_summarised_declares_its_4xx_and_types_errors_as_problems()
    {
        using var gateway = _auth.Client("gateway");
        var page = await gateway.GetStringAsync("/docs/");
        var documents = DocumentLink().Matches(page).Select(m => m.Groups[1].Value).Distinct().Order().ToList();
        documents.ShouldContain("auth");
        documents.ShouldContain("samples");
        documents.ShouldContain("templates");

        var problems = new List<string>();
        var operations = 0;
        foreach (var name in documents)
        {
            using var document = JsonDocument.Parse(await gateway.GetStringAsync($"/openapi/{name}.json"));
            foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            {
                foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
                {
                    operations++;
                    problems.AddRange(Check(operation.Value).Select(p => $"{name}: {operation.Name.ToUpperInvariant()} {path.Name}: {p}"));
                }
            }
        }

        operations.ShouldBeGreaterThan(30);
        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task The_main_operations_carry_request_and_response_examples()
    {
        using var gateway = _auth.Client("gateway");
        using var samples = JsonDocument.Parse(await gateway.GetStringAsync("/openapi/samples.json"));
        using var auth = JsonDocument.Parse(await gateway.GetStringAsync("/openapi/auth.json"));
        using var templates = JsonDocument.Parse(await gateway.GetStringAsync("/openapi/templates.json"));

        RequestExample(samples, "/api/samples", "post").GetProperty("sampleType").GetString().ShouldBe("dna");
        ResponseExample(samples, "/api/samples", "post", "201").GetProperty("barcode").GetString().ShouldBe("TS-DNA-250314-00017");
        ResponseExample(samples, "/api/samples/{id}", "get", "200").GetProperty("status").GetString().ShouldBe("in_storage");
        ResponseExample(samples, "/api/samples", "get", "200").GetProperty("items").GetArrayLength().ShouldBe(1);
        RequestExample(samples, "/api/samples/{id}/status", "post").GetProperty("to").GetString().ShouldBe("rejected");
        ResponseExample(samples, "/api/samples/{id}/status", "post", "409").GetProperty("allowed").GetArrayLength().ShouldBe(3);
        RequestExample(auth, "/api/auth/login", "post").GetProperty("email").GetString().ShouldNotBeNullOrEmpty();
        ResponseExample(auth, "/api/auth/login", "post", "200").GetProperty("user").GetProperty("role").GetString().ShouldBe("lab_technician");
        ResponseExample(templates, "/api/submissions", "post", "422").GetProperty("errors")[0].GetProperty("row").GetInt32().ShouldBe(14);
        // Operations that need a token say so, and the scheme is described once.
        samples.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer")
            .GetProperty("scheme").GetString().ShouldBe("bearer");
        Operation(samples, "/api/samples", "get").GetProperty("security").GetArrayLength().ShouldBe(1);
        Operation(auth, "/api/auth/login", "post").TryGetProperty("security", out _).ShouldBeFalse();
    }

    /// <summary>What is missing from one operation, in words.</summary>
    private static IEnumerable<string> Check(JsonElement operation)
    {
        if (string.IsNullOrWhiteSpace(Text(operation, "summary")))
        {
            yield return "no summary";
        }
        if (string.IsNullOrWhiteSpace(Text(operation, "description")))
        {
            yield return "no description";
        }
        if (!operation.TryGetProperty("responses", out var responses))
        {
            yield return "no responses";
            yield break;
        }
        var statuses = responses.EnumerateObject().Select(r => r.Name).ToList();
        if (!statuses.Any(s => s.StartsWith('4')))
        {
            yield return "no 4xx answer";
        }
        if (operation.TryGetProperty("security", out _) && !statuses.Contains("401"))
        {
            yield return "needs a token but does not declare 401";
        }
        foreach (var response in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
        {
            var types = response.Value.TryGetProperty("content", out var content)
                ? content.EnumerateObject().Select(c => c.Name).ToList()
                : [];
            if (types.Count == 0 || types.Any(t => t != "application/problem+json"))
            {
                yield return $"{response.Name} is not typed application/problem+json (content: {string.Join(", ", types)})";
            }
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement Operation(JsonDocument document, string path, string method) =>
        document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static JsonElement RequestExample(JsonDocument document, string path, string method) =>
        Operation(document, path, method).GetProperty("requestBody").GetProperty("content").EnumerateObject().First().Value.GetProperty("example");

    private static JsonElement ResponseExample(JsonDocument document, string path, string method, string status) =>
        Operation(document, path, method).GetProperty("responses").GetProperty(status).GetProperty("content").EnumerateObject().First().Value
            .GetProperty("example");
}
