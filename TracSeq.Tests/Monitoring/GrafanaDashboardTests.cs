using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Monitoring;

/// <summary>A Grafana dashboard panel's query, as Grafana would send it to Prometheus.</summary>
public sealed record PanelQuery(string Dashboard, string Panel, string Expression)
{
    public override string ToString() => $"{Dashboard} / {Panel}";
}

public static partial class GrafanaDashboards
{
    public static string Directory => Path.Combine(RepositoryPaths.Monitoring, "grafana", "dashboards");

    public static IEnumerable<string> Files => System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal);

    /// <summary>Every panel query with Grafana's variables filled in the way Grafana would for one service.</summary>
    public static IEnumerable<PanelQuery> Queries(string service)
    {
        foreach (var file in Files)
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(file));
            var title = dashboard.RootElement.GetProperty("title").GetString()!;
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                if (!panel.TryGetProperty("targets", out var targets))
                {
                    continue; // a row
                }
                foreach (var target in targets.EnumerateArray())
                {
                    var expression = target.GetProperty("expr").GetString()!
                        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                        .Replace("$__range", "1h", StringComparison.Ordinal)
                        .Replace("$service", service, StringComparison.Ordinal);
                    yield return new PanelQuery(title, panel.GetProperty("title").GetString()!, expression);
                }
            }
        }
    }

    public static bool HasUnfilledVariable(string expression) => Variable().IsMatch(expression);

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex Variable();
}

public sealed class GrafanaDashboardFileTests
{
    public static TheoryData<string> Dashboards => [.. GrafanaDashboards.Files.Select(f => Path.GetFileName(f))];

    [Fact]
    public void The_overview_service_lab_PostgreSQL_Redis_and_host_dashboards_exist_with_unique_ids()
    {
        var uids = GrafanaDashboards.Files.Select(f =>
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(f));
            return dashboard.RootElement.GetProperty("uid").GetString();
        }).ToList();

        uids.ShouldBe(["tracseq-host", "tracseq-lab", "tracseq-overview", "tracseq-postgres", "tracseq-redis", "tracseq-service"], ignoreOrder: true);
        File.Exists(Path.Combine(GrafanaDashboards.Directory, TracSeq.AppHost.Hosting.Grafana.GrafanaHostingExtensions.HomeDashboard)).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_queries_the_provisioned_Prometheus(string file)
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(GrafanaDashboards.Directory, file)));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();

        panels.ShouldNotBeEmpty();
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            panel.GetProperty("datasource").GetProperty("uid").GetString().ShouldBe("prometheus", title);
            panel.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace(title);
            panel.GetProperty("targets").EnumerateArray().ShouldAllBe(t => !string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()));
        }
    }

    [Fact]
    public void The_lab_dashboard_shows_the_business_metrics_of_the_contract()
    {
        var lab = GrafanaDashboards.Queries("samples").Where(q => q.Dashboard == "TracSeq lab").Select(q => q.Expression).ToList();

        foreach (var metric in new[]
        {
            "tracseq_samples_created_total", "tracseq_sample_status_transitions_total", "tracseq_submissions_total",
            "tracseq_submission_rows_rejected_total", "tracseq_auth_logins_total", "tracseq_storage_occupied_positions",
            "tracseq_libraries_created_total", "tracseq_index_collisions_total", "tracseq_runs_total", "tracseq_qc_results_total",
            "tracseq_webhook_deliveries_total", "tracseq_webhook_outbox_oldest_seconds",
        })
        {
            lab.ShouldContain(e => e.Contains(metric), metric);
        }
        lab.ShouldContain(e => e.Contains("by (sample_type)"));
        lab.ShouldContain(e => e.Contains("tracseq_submissions_total") && e.Contains("by (outcome)"));
        lab.ShouldContain(e => e.Contains("tracseq_index_collisions_total") && e.Contains("by (where)"));
        lab.ShouldContain(e => e.Contains("tracseq_runs_total") && e.Contains("by (status)"));
        lab.ShouldContain(e => e.Contains("tracseq_qc_results_total") && e.Contains("by (type, outcome)"));
    }

    [Fact]
    public void The_lab_dashboard_has_a_run_results_row_with_imports_undetermined_lanes_verdicts_and_findings()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(GrafanaDashboards.Directory, "tracseq-lab.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var row = panels.FindIndex(p => p.GetProperty("type").GetString() == "row" && p.GetProperty("title").GetString() == "Run results");
        row.ShouldBeGreaterThanOrEqualTo(0);
        var rowPanels = panels.Skip(row + 1).TakeWhile(p => p.GetProperty("type").GetString() != "row")
            .ToDictionary(p => p.GetProperty("title").GetString()!, p => p.GetProperty("targets")[0].GetProperty("expr").GetString()!);

        rowPanels["Result imports by outcome"].ShouldBe("sum by (outcome) (increase(tracseq_run_results_imports_total[1h]))");
        rowPanels["Undetermined ratio per run and lane"].ShouldBe("max by (run, lane) (tracseq_run_lane_undetermined_ratio)");
        rowPanels["Library verdicts"].ShouldBe("sum by (verdict) (increase(tracseq_library_verdicts_total[1h]))");
        rowPanels["Findings by label"].ShouldBe("sum by (label) (increase(tracseq_demux_findings_total[1h]))");
        var undetermined = panels.Single(p => p.GetProperty("title").GetString() == "Undetermined ratio per run and lane");
        var red = undetermined.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("thresholds").GetProperty("steps")[1];
        red.GetProperty("value").GetDouble().ShouldBe(0.09, "the lane check's and RunLaneUndeterminedHigh's threshold");
    }

    [Fact]
    public void The_overview_has_rate_error_ratio_and_three_percentiles_per_service()
    {
        var overview = GrafanaDashboards.Queries("gateway").Where(q => q.Dashboard == "TracSeq overview").Select(q => q.Expression).ToList();

        overview.ShouldContain(e => e.StartsWith("sum by (job) (rate(http_request_duration_seconds_count", StringComparison.Ordinal));
        overview.ShouldContain(e => e.Contains("code=~\"5..\"") && e.Contains(" / sum by (job)"));
        foreach (var quantile in new[] { "0.5", "0.95", "0.99" })
        {
            overview.ShouldContain(e => e.StartsWith($"histogram_quantile({quantile}, sum by (job, le)", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Provisioning_points_Grafana_at_Prometheus_Jaeger_and_the_dashboards_folder()
    {
        var provisioning = Path.Combine(RepositoryPaths.Monitoring, "grafana", "provisioning");
        var datasources = File.ReadAllText(Path.Combine(provisioning, "datasources", "tracseq.yml"));
        var dashboards = File.ReadAllText(Path.Combine(provisioning, "dashboards", "tracseq.yml"));

        datasources.ShouldContain("uid: prometheus");
        datasources.ShouldContain("url: ${PROMETHEUS_URL}");
        datasources.ShouldContain("type: jaeger");
        datasources.ShouldContain("url: ${JAEGER_URL}");
        dashboards.ShouldContain("path: ${TRACSEQ_DASHBOARDS_DIR}");
    }
}

/// <summary>Every panel query, evaluated against the running Prometheus after some traffic.</summary>
[Collection(AppHostCollection.Name)]
public sealed class GrafanaDashboardQueryTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Every_panel_query_evaluates_and_returns_data_after_light_traffic()
    {
        await SendLightTrafficAsync();
        using var prometheus = fixture.CreateClient("prometheus");
        // A drill-down for every service; the other dashboards do not use the variable.
        var queries = AppHostFixture.Services.SelectMany(GrafanaDashboards.Queries).Distinct().ToList();
        queries.Count.ShouldBeGreaterThan(50);

        var deadline = DateTime.UtcNow.AddSeconds(30); // rates need two scrapes of the traffic, 2 s apart
        var empty = new List<PanelQuery>();
        foreach (var query in queries)
        {
            GrafanaDashboards.HasUnfilledVariable(query.Expression).ShouldBeFalse(query.ToString());
            var result = await PromQl.QueryAsync(prometheus, query.Expression);
            while (result.GetArrayLength() == 0 && ExpectsData(query) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
                result = await PromQl.QueryAsync(prometheus, query.Expression);
            }
            if (result.GetArrayLength() == 0 && ExpectsData(query))
            {
                empty.Add(query);
            }
        }

        empty.ShouldBeEmpty();
    }

    /// <summary>
    /// The business metrics (tracseq_*) come with the auth, samples and templates issues; until a service exports
    /// them their panels evaluate, empty. Everything else must show something on a stack that served a few requests.
    /// </summary>
    private static bool ExpectsData(PanelQuery query) => !query.Expression.Contains("tracseq_", StringComparison.Ordinal);

    private async Task SendLightTrafficAsync()
    {
        using var gateway = fixture.CreateClient("gateway");
        var probes = new[]
        {
            "/api/samples/dashboard-probe", "/api/auth/dashboard-probe", "/api/templates/dashboard-probe", "/api/runs/dashboard-probe", "/api/nowhere",
        };
        foreach (var path in probes)
        {
            (await gateway.GetAsync(path)).Dispose();
        }
        foreach (var service in new[] { "auth", "samples", "templates", "sequencing" })
        {
            using var client = fixture.CreateClient(service);
            (await client.GetAsync("/openapi/v1.json")).Dispose();
        }
        using var web = fixture.CreateClient("web");
        (await web.GetAsync("/login")).Dispose();
    }
}
