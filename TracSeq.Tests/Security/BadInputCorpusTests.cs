using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TracSeq.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TracSeq.Tests.Security;

/// <summary>
/// A corpus of malformed requests generated from every OpenAPI document the gateway publishes (the routes
/// <c>/openapi/{name}.json</c> in its configuration, so a new service is covered when its document is routed): garbage
/// path ids, wrong-type and out-of-range query values, broken and wrong-type JSON bodies, wrong media types, oversize
/// strings, control and unicode characters. Every answer must be a 4xx problem; no 5xx, no dropped connection, and the
/// databases exactly as before. Cases are sent as a lab administrator, so the checks behind the role checks are reached.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class BadInputCorpusTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private const int RequestsPerToken = 150; // well under the gateway's 600 a minute per user
    private static readonly string Oversize = new('x', 5000);
    private static readonly string OversizeBody = new('y', 100_000);
    private static readonly string[] Databases = ["authdb", "samplesdb", "templatesdb", "sequencingdb"];
    // Tables the services' background workers write while the corpus runs (the outbox relay drains the outbox; the
    // webhook hub receives other tests' events and retries their deliveries): no request of the corpus reaches them.
    private static readonly HashSet<string> WrittenInTheBackground = ["outbox", "webhook_events", "webhook_deliveries", "webhook_delivery_attempts"];

    private sealed record Case(string Name, HttpMethod Method, string Path, string? Body = null, string? MediaType = null);

    [Fact]
    public async Task Every_operation_answers_malformed_requests_with_a_4xx_problem_and_writes_nothing()
    {
        var cases = new List<Case>();
        using var anonymous = fixture.CreateClient("gateway");
        var sequencingCases = 0;
        foreach (var document in PublishedDocuments())
        {
            using var openApi = JsonDocument.Parse(await anonymous.GetStringAsync($"/openapi/{document}.json"));
            var counted = cases.Count;
            cases.AddRange(CasesFor(openApi.RootElement, deep: document == "sequencing"));
            sequencingCases += document == "sequencing" ? cases.Count - counted : 0;
        }
        var tokens = new List<string>();
        var auth = new AuthApiClient(fixture);
        for (var i = 0; i * RequestsPerToken < cases.Count; i++)
        {
            var admin = await auth.CreateUserAsync("lab_administrator");
            tokens.Add((await auth.LoginAsync(admin.Email, admin.Password)).AccessToken);
        }
        var before = await FingerprintAsync();

        var failures = new List<string>();
        var byStatus = new SortedDictionary<int, int>();
        var limitedFor = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            using var client = fixture.CreateClient("gateway");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i / RequestsPerToken]);
            using var request = new HttpRequestMessage(c.Method, c.Path);
            if (c.Body is not null)
            {
                request.Content = new StringContent(c.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.MediaType ?? "application/json");
            }
            try
            {
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } wait)
                {
                    limitedFor = Math.Max(limitedFor, (int)wait.TotalSeconds);
                }
                if (status is < 400 or >= 500)
                {
                    failures.Add($"{c.Name}: {status} {Shorten(body)}");
                }
                else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{c.Name}: {status} without a problem body ({response.Content.Headers.ContentType?.MediaType ?? "none"})");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{c.Name}: connection dropped ({e.Message})");
            }
        }

        // Sign-in cases count against the per-address sign-in limit; leave the window as we found it for other tests.
        await Task.Delay(TimeSpan.FromSeconds(limitedFor + (limitedFor > 0 ? 1 : 0)));
        output.WriteLine($"{cases.Count} cases; answers by status: {string.Join(", ", byStatus.Select(s => $"{s.Key} × {s.Value}"))}");
        failures.ShouldBeEmpty(string.Join("\n", failures.Take(60)));
        cases.Count.ShouldBeGreaterThanOrEqualTo(300);
        // Issue 24: every Sequencing route, at least 800 cases of its own.
        sequencingCases.ShouldBeGreaterThanOrEqualTo(800);
        (await FingerprintAsync()).ShouldBe(before);
    }

    /// <summary>The documents the gateway routes as <c>/openapi/{name}.json</c> (its appsettings.json).</summary>
    private static IReadOnlyList<string> PublishedDocuments()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "TracSeq.Gateway", "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var names = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject()
            .Select(r => r.Value.GetProperty("Match").GetProperty("Path").GetString()!)
            .Where(p => p.StartsWith("/openapi/", StringComparison.Ordinal) && p.EndsWith(".json", StringComparison.Ordinal))
            .Select(p => p["/openapi/".Length..^".json".Length])
            .ToList();
        names.ShouldNotBeEmpty();
        return names;
    }

    /// <summary>
    /// The cases of one document; <paramref name="deep"/> adds, for every body property, values of the right JSON type
    /// that no endpoint accepts (empty, control characters, formula starts, out-of-range and overflowing numbers, lists
    /// of nulls and of the wrong items): the Sequencing corpus (issue 24).
    /// </summary>
    private static IEnumerable<Case> CasesFor(JsonElement document, bool deep = false)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var parameters = Parameters(path.Value, operation.Value).ToList();
                var pathParameters = parameters.Where(p => p.In == "path").ToList();
                var name = $"{method} {path.Name}";
                // Path ids that exist nowhere (so nothing is found, and nothing is changed) unless a case breaks them.
                string Fill(string? broken = null, string? value = null) => pathParameters.Aggregate(path.Name, (url, p) =>
                    url.Replace($"{{{p.Name}}}", p.Name == broken ? value! : p.Format == "uuid" ? Guid.NewGuid().ToString() : "NO-SUCH-THING-0",
                        StringComparison.Ordinal));

                foreach (var p in pathParameters)
                {
                    var garbageValues = new[]
                    {
                        "not-a-guid", "..%2F..%2Fetc%2Fpasswd", "%27%20OR%201%3D1--", "%E2%80%AE%F0%9F%92%A5", Uri.EscapeDataString(Oversize[..3000]),
                        "-1", "99999999999999999999",
                    };
                    foreach (var garbage in garbageValues)
                    {
                        yield return new($"{name} path {p.Name}={Shorten(garbage, 20)}", method, Fill(p.Name, garbage));
                    }
                }
                foreach (var p in parameters.Where(p => p.In == "query"))
                {
                    foreach (var garbage in QueryGarbage(p))
                    {
                        yield return new($"{name} query {p.Name}={Shorten(garbage, 20)}", method, $"{Fill()}?{p.Name}={garbage}");
                    }
                }
                if (!operation.Value.TryGetProperty("requestBody", out var requestBody) ||
                    !(requestBody.TryGetProperty("required", out var required) && required.GetBoolean()))
                {
                    continue; // no body, or an optional one (e.g. logout): a garbage body could be a valid empty request
                }
                var content = requestBody.GetProperty("content");
                if (content.TryGetProperty("multipart/form-data", out _))
                {
                    yield return new($"{name} body JSON instead of a form", method, Fill(), "{\"file\": 1}", "application/json");
                    yield return new($"{name} body broken multipart", method, Fill(),
                        "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end", "multipart/form-data; boundary=x");
                    yield return new($"{name} body text", method, Fill(), "templateId=1", "text/plain");
                    continue;
                }
                if (!content.TryGetProperty("application/json", out var json))
                {
                    continue;
                }
                foreach (var (label, body, media) in new[]
                         {
                             ("broken JSON", "{\"a\": ", "application/json"), ("an array", "[]", "application/json"),
                             ("a string", "\"text\"", "application/json"), ("a number", "123", "application/json"),
                             ("null", "null", "application/json"), ("empty", "", "application/json"),
                             ("text/plain", "{}", "text/plain"), ("XML", "<a/>", "application/xml"),
                             ("a NUL byte", "{\"\u0000\": \"\u0000\"}", "application/json"),
                             ("deeply nested", new string('[', 100) + new string(']', 100), "application/json"),
                         })
                {
                    yield return new($"{name} body {label}", method, Fill(), body, media);
                }
                foreach (var (property, type) in Properties(document, json.GetProperty("schema")))
                {
                    var wrong = type switch
                    {
                        "string" => "12345",
                        "integer" or "number" => "\"twelve\"",
                        "boolean" => "\"maybe\"",
                        "array" => "\"not a list\"",
                        _ => "[1, 2]",
                    };
                    yield return new($"{name} body {property} of the wrong type", method, Fill(), $"{{\"{property}\": {wrong}}}");
                    if (type == "string")
                    {
                        yield return new($"{name} body {property} oversize", method, Fill(), $"{{\"{property}\": \"{OversizeBody}\"}}");
                        yield return new($"{name} body {property} control characters", method, Fill(), $"{{\"{property}\": \"\\u0000\\u0007\\u001b\\u202e\"}}");
                    }
                    foreach (var value in deep ? DeepGarbage(type) : [])
                    {
                        yield return new($"{name} body {property}={Shorten(value, 24)}", method, Fill(), $"{{\"{property}\": {value}}}");
                    }
                }
            }
        }
    }

    /// <summary>JSON values of (or near) a property's type that are never a whole valid request on their own.</summary>
    private static string[] DeepGarbage(string type) => type switch
    {
        "string" => ["\"\"", "\" \"", "\"\\u0000\"", "\"-1-1\"", "\"=1+1\"", "\"@SUM(A1)\"", $"\"{new string('A', 300)}\"", "\"ACGTNNNN\"",
            "\"\\ud83d\\ude00\"", "\"<script>\"", "null", "true", "[\"a\"]", "{}"],
        "integer" or "number" => ["-1", "0", "2147483648", "-2147483649", "1e308", "-1e308", "1.5", "null", "true", "\"1\"", "[1]", "{}"],
        "boolean" => ["0", "1", "\"true\"", "null", "[]", "{}"],
        "array" => ["[null]", "[1]", "[\"\"]", "[{}]", "[[]]", "null", "{}", "1", $"[{string.Join(',', Enumerable.Repeat("null", 10_001))}]"],
        _ => ["[]", "null", "1", "\"x\"", "{\"\\u0000\": 1}", "{\"a\": {\"b\": {\"c\": null}}}"],
    };

    private sealed record Parameter(string Name, string In, string Type, string? Format);

    private static IEnumerable<Parameter> Parameters(JsonElement pathItem, JsonElement operation)
    {
        foreach (var source in new[] { pathItem, operation })
        {
            if (!source.TryGetProperty("parameters", out var list))
            {
                continue;
            }
            foreach (var p in list.EnumerateArray())
            {
                var schema = p.TryGetProperty("schema", out var s) ? s : default;
                yield return new(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, TypeOf(schema),
                    schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null);
            }
        }
    }

    /// <summary>Values a query parameter of this type can never accept.</summary>
    private static IEnumerable<string> QueryGarbage(Parameter p) => (p.Type, p.Format) switch
    {
        ("integer", _) => ["abc", "1.5", "99999999999", "-99999999999", "%00"],
        ("number", _) => ["abc", "1e400", "%00"],
        ("boolean", _) => ["maybe", "%00"],
        (_, "uuid") => ["not-a-guid", "%00", Uri.EscapeDataString(Oversize)],
        (_, "date-time") => ["yesterday", "2024-13-45T99%3A99", "%00"],
        _ => ["%00", "abc%00def", "%1B%5B31m", Uri.EscapeDataString(Oversize)],
    };

    private static IEnumerable<(string Name, string Type)> Properties(JsonElement document, JsonElement schema)
    {
        schema = Resolve(document, schema);
        if (!schema.TryGetProperty("properties", out var properties))
        {
            yield break;
        }
        foreach (var property in properties.EnumerateObject())
        {
            yield return (property.Name, TypeOf(Resolve(document, property.Value)));
        }
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            schema = reference.GetString()!.TrimStart('#', '/').Split('/')
                .Aggregate(document, (node, segment) => node.GetProperty(segment));
        }
        return schema;
    }

    /// <summary>The schema's type, ignoring "null" (OpenAPI 3.1 writes nullable as a list of types).</summary>
    private static string TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return "object";
        }
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()!).Where(t => t != "null").OrderBy(t => t == "string" ? 1 : 0).FirstOrDefault() ?? "object"
            : type.GetString()!;
    }

    /// <summary>Every row count of every table of every service database, and the newest change where a table records one.</summary>
    private async Task<string> FingerprintAsync()
    {
        var parts = new List<string>();
        foreach (var database in Databases)
        {
            await using var db = new NpgsqlConnection(await fixture.GetConnectionStringAsync(database));
            await db.OpenAsync();
            var tables = new List<(string Table, bool Updated, bool Version)>();
            await using (var list = new NpgsqlCommand(
                """
                SELECT t.tablename,
                       EXISTS (SELECT 1 FROM information_schema.columns c
                               WHERE c.table_name = t.tablename AND c.column_name = 'updated_at'),
                       EXISTS (SELECT 1 FROM information_schema.columns c
                               WHERE c.table_name = t.tablename AND c.column_name = 'version' AND c.data_type IN ('integer', 'bigint'))
                FROM pg_tables t WHERE t.schemaname = 'public' ORDER BY t.tablename
                """, db))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
                }
            }
            foreach (var (table, updated, version) in tables.Where(t => !WrittenInTheBackground.Contains(t.Table)))
            {
                var sql = $"SELECT concat_ws(':', count(*){(updated ? ", max(updated_at)" : "")}{(version ? ", sum(version)" : "")}) FROM \"{table}\"";
                await using var count = new NpgsqlCommand(sql, db);
                parts.Add($"{database}.{table}={await count.ExecuteScalarAsync()}");
            }
        }
        return string.Join(" ", parts);
    }

    private static string Shorten(string text, int max = 300) => text.Length <= max ? text : text[..max] + "…";
}
