using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using TracSeq.Tests.AppModel;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Web;
using TracSeq.UnitTests.Deployment;

namespace TracSeq.Tests.Security;

/// <summary>
/// A bad-input corpus for every route of the web front end, generated from the routes themselves: each page's
/// <c>@page</c> template (TracSeq.Web/Components/Pages) and each endpoint WebEndpoints maps, so a new route is covered
/// without editing this file. Every route gets malformed and hostile path values, query strings, methods and bodies,
/// anonymous and signed in; the web front end may refuse (400, 401/302 to sign in, 403, 404, 405, 413, 415) but never
/// answers 5xx.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed partial class WebBadInputCorpusTests(AppHostFixture app)
{
    /// <summary>Values a path parameter or query value is replaced with.</summary>
    private static readonly string[] HostileValues =
    [
        "not-a-guid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
        new string('a', 4000), "%00", "..%2F..%2F..%2Fetc%2Fpasswd", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "'%20OR%201%3D1%20--", "%E2%80%AE%F0%9F%A7%AA", "%FF%FE", "-1", "99999999999999999999999",
    ];

    private static readonly string[] HostileQueries =
    [
        "?ReturnUrl=%2F%2Fevil.example.org", "?ReturnUrl=javascript%3Aalert(1)", "?ended=%00&signedOut=%FF",
        "?format=%3Cscript%3E", "?page=-1&pageSize=100000000", "?q=" + new string('x', 6000), "?status=%00&sort=%27",
        "?a=1&a=2&a=3&" + string.Join('&', Enumerable.Range(0, 200).Select(i => $"p{i}={i}")),
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    private static IEnumerable<(string Name, HttpContent? Body)> Bodies()
    {
        yield return ("none", null);
        yield return ("broken json", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"));
        yield return ("form without antiforgery", new FormUrlEncodedContent([new("_handler", "login"), new("Form.Email", "a@b.c"), new("Form.Password", "x")]));
        yield return ("huge form field", new FormUrlEncodedContent([new("Form.Email", new string('e', 200_000))]));
        yield return ("binary", new ByteArrayContent([0, 1, 2, 0xff, 0xfe, 0, 0]) { Headers = { ContentType = new("application/octet-stream") } });
        yield return ("broken multipart",
            new StringContent("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc", Encoding.UTF8, "multipart/form-data"));
    }

    /// <summary>The web front end's routes as its source declares them.</summary>
    public static IReadOnlyList<string> Routes()
    {
        var web = Path.Combine(RenderedManifests.RepositoryRoot, "TracSeq.Web");
        var pages = Directory.GetFiles(Path.Combine(web, "Components", "Pages"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => PageDirective().Matches(File.ReadAllText(file)).Select(m => m.Groups["route"].Value));
        var endpoints = File.ReadAllText(Path.Combine(web, "WebEndpoints.cs"));
        var group = MapGroup().Match(endpoints).Groups["prefix"].Value;
        var mapped = MapCall().Matches(endpoints).Select(m => m.Groups["route"].Value)
            .Select(route => route.StartsWith('/') &&
                             !route.StartsWith("/logout", StringComparison.Ordinal) &&
                             !route.StartsWith(group, StringComparison.Ordinal)
                ? group + route
                : route);
        return
        [
            .. pages
                .Concat(mapped)
                .Concat(["/health", "/alive", "/metrics", "/_blazor/negotiate", "/_framework/blazor.web.js"])
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>Every route with each hostile value in each parameter, and its bare form with each hostile query.</summary>
    private static IEnumerable<string> Targets(string route)
    {
        var parameters = RouteParameter().Matches(route);
        if (parameters.Count == 0)
        {
            foreach (var query in HostileQueries)
            {
                yield return route + query;
            }
            yield return route.TrimEnd('/') + "/" + HostileValues[0];
            yield break;
        }
        foreach (var value in HostileValues)
        {
            yield return RouteParameter().Replace(route, value);
        }
        var sample = RouteParameter().Replace(route, Guid.NewGuid().ToString());
        foreach (var query in HostileQueries.Take(4))
        {
            yield return sample + query;
        }
    }

    [Fact]
    public async Task No_route_of_the_web_front_end_answers_any_bad_input_with_a_5xx()
    {
        var routes = Routes();
        routes.ShouldContain("/login");
        routes.ShouldContain("/downloads/samples.csv");
        routes.ShouldContain("/downloads/runs/{id:guid}/samplesheet");
        routes.ShouldContain("/sequencing/runs/{Id:guid}");

        var user = await new AuthApiClient(app).CreateUserAsync("lab_technician");
        using var anonymous = new WebHttpClient(app);
        using var signedIn = await WebHttpClient.SignedInAsync(app, user.Email, user.Password);
        var cases = new List<(HttpClient Client, string Who, string Method, string Target, string BodyName, Func<HttpContent?> Body)>();
        foreach (var route in routes)
        {
            foreach (var target in Targets(route))
            {
                foreach (var (who, client) in new[] { ("anonymous", anonymous.Http), ("lab_technician", signedIn.Http) })
                {
                    cases.Add((client, who, "GET", target, "none", () => null));
                }
            }
            // Every method with every kind of body on the route's first hostile form, signed in (where the work is).
            var first = Targets(route).First();
            foreach (var method in Methods)
            {
                foreach (var (name, _) in Bodies())
                {
                    cases.Add((signedIn.Http, "lab_technician", method, first, name, () => Bodies().Single(b => b.Name == name).Body));
                }
            }
        }

        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
        {
            // Absolute, so a target such as "//x" stays a path on the web front end.
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(anonymous.BaseUrl.GetLeftPart(UriPartial.Authority) + c.Target))
            {
                Content = c.Body(),
            };
            using var response = await c.Client.SendAsync(request, ct);
            if ((int)response.StatusCode >= 500)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                failures.Add($"{c.Who} {c.Method} {(c.Target.Length > 120 ? c.Target[..120] + "…" : c.Target)} [{c.BodyName}] → " +
                    $"{(int)response.StatusCode} {(body.Length > 300 ? body[..300] : body)}");
            }
        });

        cases.Count.ShouldBeGreaterThanOrEqualTo(400);
        failures.ShouldBeEmpty($"{failures.Count} of {cases.Count} cases answered 5xx");
        // The corpus signed nobody out: the session it used still works.
        (await WebHttpClient.IsSignedInAsync(app, signedIn.Session!)).ShouldBeTrue();
    }

    [GeneratedRegex("""^@page\s+"(?<route>[^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex PageDirective();

    [GeneratedRegex("""MapGroup\("(?<prefix>[^"]+)"\)""")]
    private static partial Regex MapGroup();

    [GeneratedRegex("""\.Map(?:Get|Post|Put|Patch|Delete)\("(?<route>[^"]+)""")]
    private static partial Regex MapCall();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
