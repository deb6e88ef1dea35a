using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// The web front end in headless Chromium (Debian's package): the time from asking for a page to its first complete
/// render (the server-rendered HTML with its data on screen) of home, the samples list, a sample and a box, with
/// 10,000 samples in the database. The baseline is the sign-in page, which renders without calling any API, measured
/// in the same run; the ratio is what the data and the gateway calls add.
/// </summary>
public static class WebRenderScenarios
{
    public static IBenchmarkScenario[] Create(int samples)
    {
        var setup = new WebSetup(samples);
        return
        [
            new PageScenario(setup, "GET /login (no API call)", _ => "/login", "form button[type=submit]", baseline: true),
            new PageScenario(setup, "home (counts, pending, submissions, runs)", _ => "/", "[data-testid=status-counts]"),
            new PageScenario(setup, $"samples list (page 1 of {samples:N0})", _ => "/samples", "tbody tr"),
            new PageScenario(setup, "a sample (fields, history, QC)", s => $"/samples/{s.SampleId}", "[data-testid=history] li"),
            new PageScenario(setup, "a box (8 × 12 grid)", s => $"/storage/{s.BoxId}", "table.box-grid td[data-position='H12']"),
        ];
    }

    /// <summary>Made once: the samples, a box with a few of them, and a signed-in browser context.</summary>
    public sealed class WebSetup(int samples)
    {
        private Task? _made;

        public IBrowserContext Context { get; private set; } = null!;
        public Guid SampleId { get; private set; }
        public Guid BoxId { get; private set; }

        public Task EnsureAsync(BenchmarkHost host, CancellationToken ct) => _made ??= MakeAsync(host, ct);

        private async Task MakeAsync(BenchmarkHost host, CancellationToken ct)
        {
            var web = host.ProxiedEndpoint("web");
            using (var probe = new HttpClient { BaseAddress = web })
            {
                while ((await probe.GetAsync("/health", ct)).StatusCode != HttpStatusCode.OK)
                {
                    await Task.Delay(500, ct);
                }
            }
            var ids = await InsertSamplesAsync(host, ct);
            SampleId = ids[0];
            BoxId = await BoxWithSamplesAsync(host, ids.Take(24).ToList(), ct);

            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
            Context = await browser.NewContextAsync(new() { BaseURL = web.ToString().TrimEnd('/') });
            var page = await Context.NewPageAsync();
            await page.GotoAsync("/login");
            await page.GetByLabel("Email").FillAsync("admin@tracseq.local");
            await page.GetByLabel("Password").FillAsync(host.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
            await page.CloseAsync();
        }

        private async Task<List<Guid>> InsertSamplesAsync(BenchmarkHost host, CancellationToken ct)
        {
            using var client = host.Client("samples");
            var submissionId = Guid.NewGuid();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch")
            {
                Content = JsonContent.Create(new
                {
                    submissionId, templateId = Guid.Parse("00000000-0000-4000-8000-00000000be7c"), templateVersion = 1,
                    samples = SampleRows.Create(samples),
                }, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            };
            request.Headers.Add("Idempotency-Key", submissionId.ToString());
            await host.SignAsync(request, "templates", ct); // only services call /internal
            using var response = await client.SendAsync(request, ct);
            response.StatusCode.ShouldBeCreated(await response.Content.ReadAsStringAsync(ct));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return [.. body.RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("id").GetGuid())];
        }

        private static async Task<Guid> BoxWithSamplesAsync(BenchmarkHost host, IReadOnlyList<Guid> ids, CancellationToken ct)
        {
            using var gateway = host.Client("gateway");
            async Task<Guid> LocationAsync(object body)
            {
                using var created = await gateway.PostAsJsonAsync("/api/storage/locations", body, ct);
                created.StatusCode.ShouldBeCreated(await created.Content.ReadAsStringAsync(ct));
                return (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
            }
            var room = await LocationAsync(new { name = "Bench room", kind = "room" });
            var box = await LocationAsync(new { name = "Bench box", kind = "box", parentId = room, rows = 8, columns = 12 });
            for (var i = 0; i < ids.Count; i++)
            {
                foreach (var to in new[] { "received", "validated" })
                {
                    using var moved = await gateway.PostAsJsonAsync($"/api/samples/{ids[i]}/status", new { to }, ct);
                }
                using var placed = await gateway.PutAsJsonAsync($"/api/samples/{ids[i]}/location",
                    new { locationId = box, position = $"{(char)('A' + i / 12)}{i % 12 + 1}" }, ct);
            }
            return box;
        }
    }

    private sealed class PageScenario(WebSetup setup, string name, Func<WebSetup, string> path, string ready, bool baseline = false) : IBenchmarkScenario
    {
        public string Name => name;
        public bool IsBaseline => baseline;
        public long ItemsPerRun => 1;
        public string? Notes => baseline
            ? "Time from navigation start to the selector that shows the page's data, new tab each run, the session's cookie already set."
            : null;

        public Task PrepareAsync(BenchmarkHost host, CancellationToken ct) => setup.EnsureAsync(host, ct);

        public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
        {
            var page = await setup.Context.NewPageAsync();
            try
            {
                var clock = Stopwatch.StartNew();
                await page.GotoAsync(path(setup), new() { WaitUntil = WaitUntilState.Commit });
                await page.Locator(ready).First.WaitForAsync(new() { Timeout = 30_000 });
                clock.Stop();
                return clock.Elapsed;
            }
            finally
            {
                await page.CloseAsync();
            }
        }
    }
}

internal static class StatusChecks
{
    public static void ShouldBeCreated(this HttpStatusCode status, string body)
    {
        if (status != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Expected 201, got {(int)status}: {body}");
        }
    }
}
