using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using YamlDotNet.Serialization;

namespace TracSeq.UnitTests.Deployment;

/// <summary>
/// The Kubernetes manifests (deploy/kubernetes) as kubectl renders each overlay: what an operator applies must run
/// every service redundantly, probed, bounded, with the same configuration the AppHost gives it, the same alert
/// rules, and no secret in the repository.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    /// <summary>
    /// What each service reads from the AppHost (AppHost.cs: WithReference and WithEnvironment); a variable missing on
    /// Kubernetes is a service that starts without its database, Redis or a peer. TracSeq.Tests' app-model test checks
    /// this list against the AppHost's real model.
    /// </summary>
    public static readonly Dictionary<string, string[]> EnvironmentFromAppHost = new()
    {
        ["auth"] = ["ConnectionStrings__authdb", "ConnectionStrings__cache", "Auth__Bootstrap__Email", "Auth__Bootstrap__Password"],
        ["samples"] = ["ConnectionStrings__samplesdb", "ConnectionStrings__cache", "services__auth__http__0"],
        ["templates"] = ["ConnectionStrings__templatesdb", "ConnectionStrings__cache", "services__auth__http__0", "services__samples__http__0"],
        ["sequencing"] = ["ConnectionStrings__sequencingdb", "ConnectionStrings__cache", "services__auth__http__0", "services__samples__http__0"],
        ["gateway"] = ["ConnectionStrings__cache", "services__auth__http__0", "services__samples__http__0", "services__templates__http__0"],
        ["web"] = ["ConnectionStrings__cache", "services__gateway__http__0"],
    };

    public static TheoryData<string> Overlays => [.. RenderedManifests.Overlays];

    [Theory, MemberData(nameof(Overlays))]
    public void Every_service_is_a_Deployment_of_at_least_two_replicas_probed_on_health_and_alive(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);

        foreach (var name in RenderedManifests.Services)
        {
            var deployment = rendered.Deployment(name);
            deployment.Spec.Replicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2, name);
            var container = deployment.Spec.Template.Spec.Containers.ShouldHaveSingleItem(name);
            container.ReadinessProbe.HttpGet.Path.ShouldBe("/health", name);
            container.LivenessProbe.HttpGet.Path.ShouldBe("/alive", name);
            container.Image.ShouldContain($"tracseq/{name}:", Case.Sensitive, name);
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_has_requests_and_limits_and_runs_as_non_root(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var workloads = rendered.Deployments.Select(d => (d.Metadata.Name, d.Spec.Template.Spec))
            .Concat(rendered.All<V1StatefulSet>("StatefulSet").Select(s => (s.Metadata.Name, s.Spec.Template.Spec)))
            .ToList();

        workloads.Count.ShouldBeGreaterThanOrEqualTo(RenderedManifests.Services.Length + 2);
        foreach (var (name, pod) in workloads)
        {
            pod.SecurityContext.RunAsNonRoot.ShouldBe(true, name);
            foreach (var container in pod.Containers)
            {
                var what = $"{name}/{container.Name}";
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    container.Resources.Requests.ShouldContainKey(resource, what);
                    container.Resources.Limits.ShouldContainKey(resource, what);
                }
                container.SecurityContext.AllowPrivilegeEscalation.ShouldBe(false, what);
                container.SecurityContext.ReadOnlyRootFilesystem.ShouldBe(true, what);
                container.SecurityContext.Capabilities.Drop.ShouldContain("ALL", what);
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_Deployment_has_a_disruption_budget_an_autoscaler_a_Service_and_a_ServiceMonitor(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var budgets = rendered.All<V1PodDisruptionBudget>("PodDisruptionBudget").ToList();
        var autoscalers = rendered.All<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler").ToList();
        var services = rendered.All<V1Service>("Service").ToList();
        var monitors = rendered.Custom("ServiceMonitor").ToList();

        foreach (var deployment in rendered.Deployments.Where(d => RenderedManifests.Services.Contains(d.Metadata.Name)))
        {
            var name = deployment.Metadata.Name;
            var podLabels = deployment.Spec.Template.Metadata.Labels;
            bool Selects(IDictionary<string, string> selector) => selector.All(l => podLabels.TryGetValue(l.Key, out var v) && v == l.Value);

            var budget = budgets.Where(b => Selects(b.Spec.Selector.MatchLabels)).ShouldHaveSingleItem(name);
            budget.Spec.MinAvailable.ShouldNotBeNull(name);
            int.Parse(budget.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture)
                .ShouldBeLessThan(deployment.Spec.Replicas!.Value, $"{name}: a drain must be able to move a replica");

            var autoscaler = autoscalers
                .Where(h => h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == name)
                .ShouldHaveSingleItem(name);
            autoscaler.Spec.MinReplicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2, name);
            autoscaler.Spec.MaxReplicas.ShouldBeGreaterThan(autoscaler.Spec.MinReplicas!.Value, name);

            // The Service's name is the Prometheus job label, which the alert rules and dashboards select on.
            var service = services.Where(s => s.Metadata.Name == name).ShouldHaveSingleItem(name);
            Selects(service.Spec.Selector).ShouldBeTrue(name);
            monitors.ShouldContain(m => Path(m, "metadata", "name") as string == name
                                        && ((List<object>)Path(m, "spec", "endpoints")!).Cast<Dictionary<object, object>>()
                                            .Any(e => (string)e["path"] == "/metrics" && (string)e["port"] == MetricsPortName(name)), name);
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_variable_a_service_reads_from_the_AppHost_is_set_in_its_Deployment(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);

        foreach (var (name, expected) in EnvironmentFromAppHost)
        {
            var environment = rendered.Deployment(name).Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name).ToList();
            foreach (var variable in expected)
            {
                environment.ShouldContain(variable, $"{name} reads {variable} from the AppHost");
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void No_secret_value_is_in_any_manifest(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);

        rendered.Documents.Select(d => d.Kind).ShouldNotContain("Secret");
        var variables = rendered.Deployments.SelectMany(d => d.Spec.Template.Spec.Containers)
            .Concat(rendered.All<V1StatefulSet>("StatefulSet").SelectMany(s => s.Spec.Template.Spec.Containers))
            .SelectMany(c => c.Env ?? [])
            .ToList();
        variables.ShouldNotBeEmpty();
        foreach (var variable in variables)
        {
            if (SecretName().IsMatch(variable.Name))
            {
                variable.Value.ShouldBeNull($"{variable.Name} must come from a secret (valueFrom.secretKeyRef)");
                variable.ValueFrom.SecretKeyRef.ShouldNotBeNull(variable.Name);
            }
            // A connection string may only name the secret-backed variable that holds its password.
            foreach (Match password in InlinePassword().Matches(variable.Value ?? ""))
            {
                password.Groups["value"].Value.ShouldMatch(@"^\$\([A-Z_]+\)$", variable.Name);
            }
        }
        // Redis' password reaches its command line the same way.
        rendered.Text.ShouldNotMatch(@"requirepass\s*\n\s*-\s*[^$\s]");
    }

    [Fact]
    public void Every_secret_the_manifests_reference_is_one_the_README_says_how_to_create()
    {
        var rendered = RenderedManifests.Render("production");
        var readme = File.ReadAllText(System.IO.Path.Combine(RenderedManifests.RepositoryRoot, "README.md"));

        var referenced = SecretReference().Matches(rendered.Text).Select(m => m.Groups["name"].Value)
            .Concat(PasswordSecret().Matches(rendered.Text).Select(m => m.Groups["name"].Value))
            .Distinct().ToList();
        referenced.ShouldContain("tracseq-redis-users");
        foreach (var secret in referenced)
        {
            readme.ShouldContain($"kubectl -n tracseq create secret generic {secret}", Case.Sensitive,
                $"the manifests reference the secret {secret}");
        }
    }

    [Fact]
    public void The_PrometheusRule_holds_exactly_the_AppHost_alert_rules()
    {
        var rules = System.IO.Path.Combine(RenderedManifests.RepositoryRoot, "TracSeq.AppHost", "monitoring", "prometheus", "rules");
        var fromFiles = Directory.GetFiles(rules, "*.yml").Order(StringComparer.Ordinal)
            .SelectMany(file => (List<object>)new DeserializerBuilder().Build()
                .Deserialize<Dictionary<object, object>>(File.ReadAllText(file))["groups"])
            .ToList();

        foreach (var overlay in RenderedManifests.Overlays)
        {
            var rule = RenderedManifests.Render(overlay).Custom("PrometheusRule").ShouldHaveSingleItem();
            var inCluster = (List<object>)Path(rule, "spec", "groups")!;
            JsonSerializer.Serialize(Sorted(inCluster)).ShouldBe(JsonSerializer.Serialize(Sorted(fromFiles)),
                "deploy/kubernetes/base/monitoring/prometheus-rule.yaml differs from the rule files: run deploy/kubernetes/sync-prometheus-rule.sh");
        }
    }

    [Fact]
    public void Every_dashboard_is_a_ConfigMap_for_the_Grafana_sidecar_made_from_the_AppHost_files()
    {
        var dashboards = System.IO.Path.Combine(RenderedManifests.RepositoryRoot, "TracSeq.AppHost", "monitoring", "grafana", "dashboards");
        var rendered = RenderedManifests.Render("production");
        var maps = rendered.All<V1ConfigMap>("ConfigMap")
            .Where(m => m.Metadata.Labels is { } labels && labels.TryGetValue("grafana_dashboard", out var label) && label == "1")
            .ToList();

        foreach (var file in Directory.GetFiles(dashboards, "*.json"))
        {
            var name = System.IO.Path.GetFileName(file);
            var map = maps.Where(m => m.Data.ContainsKey(name)).ShouldHaveSingleItem(name);
            map.Data[name].ShouldBe(File.ReadAllText(file), name);
        }
    }

    [Fact]
    public void PostgreSQL_is_a_three_instance_CloudNativePG_cluster_with_backups_and_a_database_and_role_per_service()
    {
        var rendered = RenderedManifests.Render("production");
        var cluster = rendered.Custom("Cluster").ShouldHaveSingleItem();

        Path(cluster, "spec", "instances").ShouldBe("3");
        Path(cluster, "spec", "backup", "barmanObjectStore", "s3Credentials", "accessKeyId", "name").ShouldBe("tracseq-backup-s3");
        rendered.Custom("ScheduledBackup").ShouldHaveSingleItem();
        var roles = ((List<object>)Path(cluster, "spec", "managed", "roles")!).Cast<Dictionary<object, object>>().Select(r => (string)r["name"]).ToList();
        var databases = rendered.Custom("Database").Select(d => (string)Path(d, "spec", "name")!)
            .Append((string)Path(cluster, "spec", "bootstrap", "initdb", "database")!).ToList();
        foreach (var (service, environment) in EnvironmentFromAppHost)
        {
            var database = environment.SingleOrDefault(e =>
                e.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && e.EndsWith("db", StringComparison.Ordinal));
            if (database is null)
            {
                continue;
            }
            databases.ShouldContain(database["ConnectionStrings__".Length..], service);
            roles.ShouldContain(service);
        }
    }

    /// <summary>
    /// Every table a service's migration seals (calls tracseq_seal_append_only on) is sealed on Kubernetes too: the seal
    /// Job names it for that service's database and login, whose audit role exists and cannot log in.
    /// </summary>
    [Fact]
    public void Every_table_a_migration_seals_is_sealed_by_the_Kubernetes_seal_Job_under_a_nologin_audit_role()
    {
        var rendered = RenderedManifests.Render("production");
        var job = rendered.All<V1Job>("Job").Single(j => j.Metadata.Name == "tracseq-postgres-seal");
        var script = string.Join("\n", job.Spec.Template.Spec.Containers.Single().Args);
        var cluster = rendered.Custom("Cluster").ShouldHaveSingleItem();
        Path(cluster, "spec", "enableSuperuserAccess").ShouldBe("true");
        var roles = ((List<object>)Path(cluster, "spec", "managed", "roles")!).Cast<Dictionary<object, object>>().ToList();

        var sealedSomewhere = 0;
        foreach (var (service, environment) in EnvironmentFromAppHost)
        {
            var database = environment.SingleOrDefault(e =>
                e.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && e.EndsWith("db", StringComparison.Ordinal));
            var migrations = System.IO.Path.Combine(
                RenderedManifests.RepositoryRoot, $"TracSeq.{char.ToUpperInvariant(service[0])}{service[1..]}", "Data", "Migrations");
            if (database is null || !Directory.Exists(migrations))
            {
                continue;
            }
            var tables = Directory.GetFiles(migrations, "*.sql").Select(File.ReadAllText)
                .Where(sql => sql.Contains("tracseq_seal_append_only", StringComparison.Ordinal))
                .SelectMany(SealedTables.In)
                .ToList();
            if (tables.Count == 0)
            {
                continue;
            }
            var line = script.Split('\n')
                .Select(l => l.Trim().Split(' '))
                .SingleOrDefault(w => w[0] == "seal" && w.Length == 4 && w[1] == database["ConnectionStrings__".Length..]);
            line.ShouldNotBeNull($"{service}: no seal line for its database");
            line[2].ShouldBe(service);
            line[3].Split(',').ShouldBe(tables, ignoreOrder: true, service);
            var audit = roles.Single(r => (string)r["name"] == service + "_audit");
            audit["login"].ShouldBe("false", service);
            sealedSomewhere += tables.Count;
        }
        sealedSomewhere.ShouldBeGreaterThanOrEqualTo(9); // auth_events, sample_events, project_events and Sequencing's six
    }

    /// <summary>The public services (the ingress routes to them) answer /metrics only on a private port.</summary>
    private static string MetricsPortName(string service) => service is "gateway" or "web" ? "metrics" : "http";

    private static V1Container Container(RenderedManifests rendered, string service) =>
        rendered.Deployment(service).Spec.Template.Spec.Containers.Single();

    private static string? Env(V1Container container, string name) => container.Env.SingleOrDefault(e => e.Name == name)?.Value;

    [Theory, MemberData(nameof(Overlays))]
    public void Redis_never_evicts_as_under_the_AppHost(string overlay)
    {
        var args = RenderedManifests.Render(overlay).All<V1StatefulSet>("StatefulSet").Single(s => s.Metadata.Name == "redis")
            .Spec.Template.Spec.Containers.Single(c => c.Name == "redis").Args.ToList();

        // The AppHost's value (RedisHostingExtensions.MaxMemoryPolicy); TracSeq.Tests reads it back from the running Redis.
        args[args.IndexOf("--maxmemory-policy") + 1].ShouldBe("noeviction");
        args.ShouldContain("--maxmemory");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_service_is_its_own_Redis_user_limited_to_its_own_keys_and_there_is_no_default_user(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var args = rendered.All<V1StatefulSet>("StatefulSet").Single(s => s.Metadata.Name == "redis")
            .Spec.Template.Spec.Containers.Single(c => c.Name == "redis").Args.ToList();
        var users = args.Select((a, i) => (a, i)).Where(x => x.a == "--user")
            .Select(x => args.Skip(x.i + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList())
            .ToDictionary(u => u[0], u => u.Skip(1).ToList());

        users["default"].ShouldBe(["off"]);
        args.ShouldNotContain("--requirepass");
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in RenderedManifests.Services)
        {
            users.ShouldContainKey(service);
            var rules = users[service];
            rules.ShouldContain("on", service);
            rules.ShouldNotContain("~*", service);
            rules.ShouldNotContain("allkeys", service);
            rules.ShouldNotContain("nopass", service);
            rules.ShouldContain("-@dangerous", service);
            rules.Where(r => r.StartsWith('~') || r.StartsWith("%RW~", StringComparison.Ordinal))
                .ShouldAllBe(r => !r.Contains("tracseq:web:") || service == "web", service); // sessions and key ring: web only

            var container = Container(rendered, service);
            Env(container, "ConnectionStrings__cache").ShouldStartWith($"redis:6379,user={service},password=$(REDIS_PASSWORD)", Case.Sensitive, service);
            var password = container.Env.Single(e => e.Name == "REDIS_PASSWORD").ValueFrom.SecretKeyRef;
            password.Name.ShouldBe("tracseq-redis-users", service);
            password.Key.ShouldBe(service);
            passwords.Add(password.Key).ShouldBeTrue(service);
        }
        users["web"].Where(r => r.StartsWith('~')).ShouldBe(["~tracseq:web:*"]);
    }

    /// <summary>Which services' keys each Deployment holds: its own (if it signs) and those of the services it believes.</summary>
    public static readonly Dictionary<string, string[]> ServiceKeys = new()
    {
        ["auth"] = ["gateway"],
        ["samples"] = ["samples", "sequencing", "templates"],
        ["templates"] = ["templates"],
        ["sequencing"] = ["samples", "sequencing"],
        ["gateway"] = ["gateway", "web"],
        ["web"] = ["web"],
    };

    [Theory, MemberData(nameof(Overlays))]
    public void Each_service_has_its_own_signing_key_from_its_own_secret_and_holds_only_the_keys_it_needs(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);

        foreach (var (service, keys) in ServiceKeys)
        {
            var env = Container(rendered, service).Env;
            env.ShouldNotContain(e => e.Name == "TracSeq__ServiceSecret", service);
            var held = env.Where(e => e.Name.StartsWith("TracSeq__ServiceKeys__", StringComparison.Ordinal)).ToList();
            string.Join(",", held.Select(e => e.Name["TracSeq__ServiceKeys__".Length..]).Order(StringComparer.Ordinal))
                .ShouldBe(string.Join(",", keys), service);
            foreach (var key in held)
            {
                key.ValueFrom.SecretKeyRef.Name.ShouldBe($"tracseq-service-key-{key.Name["TracSeq__ServiceKeys__".Length..]}", service);
            }
        }
        Container(rendered, "web").Env.Single(e => e.Name == "Web__KeyRingKey").ValueFrom.SecretKeyRef.Name.ShouldBe("tracseq-web-key-ring");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Only_the_gateway_and_the_web_front_end_believe_a_proxy_and_only_the_ingress_network(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var settings = rendered.All<V1ConfigMap>("ConfigMap").Single(m => m.Metadata.Name == "tracseq-settings");
        System.Net.IPNetwork.Parse(settings.Data["ingress-network"]); // a valid CIDR, or every start fails

        foreach (var service in RenderedManifests.Services)
        {
            var proxies = Container(rendered, service).Env.Where(e => e.Name.StartsWith("ForwardedHeaders__", StringComparison.Ordinal)).ToList();
            if (service is "gateway" or "web")
            {
                var network = proxies.ShouldHaveSingleItem(service);
                network.Name.ShouldBe("ForwardedHeaders__KnownNetworks__0");
                network.ValueFrom.ConfigMapKeyRef.Key.ShouldBe("ingress-network");
            }
            else
            {
                proxies.ShouldBeEmpty(service);
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_public_services_serve_metrics_on_a_private_port_the_ingress_does_not_route_to(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var ingressPorts = rendered.All<V1Ingress>("Ingress").SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths)
            .Select(p => p.Backend.Service.Port.Name).Distinct().ToList();
        ingressPorts.ShouldBe(["http"]);

        foreach (var service in new[] { "gateway", "web" })
        {
            var container = Container(rendered, service);
            var metrics = container.Ports.Single(p => p.Name == "metrics").ContainerPort;
            Env(container, "TracSeq__MetricsPort").ShouldBe(metrics.ToString(System.Globalization.CultureInfo.InvariantCulture), service);
            Env(container, "ASPNETCORE_HTTP_PORTS")!.Split(';').ShouldContain(metrics.ToString(System.Globalization.CultureInfo.InvariantCulture), service);
            Env(container, "Web__SecureCookies").ShouldBeNull(service); // Secure cookies by default behind the TLS ingress
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Network_policies_allow_only_ingress_to_the_public_services_and_each_service_to_what_it_calls(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var policies = rendered.All<V1NetworkPolicy>("NetworkPolicy").ToList();
        var deny = policies.Single(p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 });
        deny.Spec.PolicyTypes.ShouldBe(["Ingress"]);
        deny.Spec.Ingress.ShouldBeNull();

        // Who should reach whom: the ingress controller the public services, the web front end the gateway, and every
        // Deployment what its own settings say it calls (services__*, its Redis connection, its database).
        var expected = RenderedManifests.Services.Append("redis").Append("postgres").ToDictionary(t => t, _ => new SortedSet<string>(StringComparer.Ordinal));
        expected["gateway"].Add("namespace:ingress-nginx");
        expected["web"].Add("namespace:ingress-nginx");
        foreach (var deployment in rendered.Deployments)
        {
            var caller = deployment.Metadata.Name;
            foreach (var variable in deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []))
            {
                if (Regex.Match(variable.Name, "^services__(?<to>[a-z]+)__http__0$") is { Success: true } called)
                {
                    expected[called.Groups["to"].Value].Add(caller);
                }
                else if (variable.Name == "ConnectionStrings__cache")
                {
                    expected["redis"].Add(caller);
                }
                else if ((variable.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && variable.Name.EndsWith("db", StringComparison.Ordinal))
                         || (caller == "postgres-exporter" && variable.Name.StartsWith("DATA_SOURCE", StringComparison.Ordinal)))
                {
                    expected["postgres"].Add(caller);
                }
            }
        }
        expected["postgres"].Add("postgres-exporter");
        expected["postgres"].Add("postgres-seal"); // the Job that seals the append-only tables
        expected["postgres"].Add("postgres"); // the instances replicate among themselves

        foreach (var (target, callers) in expected)
        {
            var selector = target == "postgres" ? ("cnpg.io/cluster", "tracseq-postgres") : ("app.kubernetes.io/name", target);
            var policy = policies.Single(p =>
                p.Spec.PodSelector.MatchLabels is { } labels && labels.TryGetValue(selector.Item1, out var v) && v == selector.Item2);
            var allowed = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var peer in policy.Spec.Ingress.SelectMany(rule => rule.FromProperty))
            {
                var ns = peer.NamespaceSelector?.MatchLabels?["kubernetes.io/metadata.name"];
                if (ns is "monitoring" or "cnpg-system")
                {
                    continue; // Prometheus scrapes metrics ports; the operator asks instances for status (below)
                }
                allowed.Add(ns is not null ? $"namespace:{ns}"
                    : peer.PodSelector.MatchLabels.TryGetValue("cnpg.io/cluster", out _) ? "postgres"
                    : peer.PodSelector.MatchLabels["app.kubernetes.io/name"]);
            }
            allowed.ShouldBe(callers, target);
        }
        // Prometheus reaches only metrics ports: on the public services that is not the public port.
        foreach (var service in new[] { "gateway", "web" })
        {
            var policy = policies.Single(p => p.Metadata.Name == service);
            policy.Spec.Ingress
                .Where(r => r.FromProperty.Any(f =>
                    f.NamespaceSelector is not null && f.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == "monitoring"))
                .SelectMany(r => r.Ports)
                .Select(p => p.Port.Value)
                .ShouldBe(["8081"], service);
        }
    }

    /// <summary>The same tree with every mapping's keys in order: kubectl rewrites YAML with its keys sorted.</summary>
    private static object? Sorted(object? node) => node switch
    {
        Dictionary<object, object> map => new SortedDictionary<string, object?>(
            map.ToDictionary(e => (string)e.Key, e => Sorted(e.Value)), StringComparer.Ordinal),
        List<object> list => list.Select(Sorted).ToList(),
        _ => node,
    };

    private static object? Path(Dictionary<object, object> tree, params string[] keys)
    {
        object? node = tree;
        foreach (var key in keys)
        {
            node = node is Dictionary<object, object> map && map.TryGetValue(key, out var next) ? next : null;
        }
        return node;
    }

    [GeneratedRegex("PASSWORD|SECRET|TOKEN|_KEY$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"password=(?<value>[^;,]*)", RegexOptions.IgnoreCase)]
    private static partial Regex InlinePassword();

    [GeneratedRegex(@"secretKeyRef:\s*\n\s*key: \S+\s*\n\s*name: (?<name>\S+)")]
    private static partial Regex SecretReference();

    [GeneratedRegex(@"(?:passwordSecret|secret|accessKeyId|secretAccessKey):\s*\n\s*(?:key: \S+\s*\n\s*)?name: (?<name>\S+)")]
    private static partial Regex PasswordSecret();
}
