namespace TracSeq.AppHost.Hosting;

/// <summary>
/// A program local mode runs, and how to get it: the Debian package, or (for programs Debian does not ship) where to
/// look instead.
/// </summary>
public sealed record LocalProgram(string Name, string DebianPackage);

/// <summary>Finds the infrastructure programs local mode runs: on PATH, then where Debian installs them.</summary>
public sealed class LocalPrograms(IReadOnlyList<string> searchPath)
{
    public static readonly LocalProgram Postgres = new("postgres", "postgresql-15");
    public static readonly LocalProgram InitDb = new("initdb", "postgresql-15");
    public static readonly LocalProgram Redis = new("redis-server", "redis-server");
    public static readonly LocalProgram Prometheus = new("prometheus", "prometheus");
    public static readonly LocalProgram Alertmanager = new("prometheus-alertmanager", "prometheus-alertmanager");
    public static readonly LocalProgram NodeExporter = new("prometheus-node-exporter", "prometheus-node-exporter");
    public static readonly LocalProgram PostgresExporter = new("prometheus-postgres-exporter", "prometheus-postgres-exporter");
    public static readonly LocalProgram RedisExporter = new("prometheus-redis-exporter", "prometheus-redis-exporter");

    // Not Debian packages: local mode runs them only when an operator installed them by hand (vendor packages or
    // tarballs); otherwise they run in container mode.
    public static readonly LocalProgram Grafana = new("grafana", "grafana from the vendor's repository");
    public static readonly LocalProgram GrafanaServer = new("grafana-server", "grafana from the vendor's repository");
    public static readonly LocalProgram Jaeger = new("jaeger", "the jaeger v2 release binary");
    public static readonly LocalProgram Elasticsearch = new("elasticsearch", "elasticsearch from the vendor's repository");
    public static readonly LocalProgram Kibana = new("kibana", "kibana from the vendor's repository");

    /// <summary>What local mode cannot start without.</summary>
    public static readonly IReadOnlyList<LocalProgram> Required =
        [Postgres, InitDb, Redis, Prometheus, Alertmanager, NodeExporter, PostgresExporter, RedisExporter];

    public static LocalPrograms FromEnvironment()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        // Debian keeps the PostgreSQL server binaries off PATH, one folder per major version: newest first.
        var postgresVersions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        // Vendor packages of Elasticsearch and Kibana install outside PATH.
        return new LocalPrograms([.. path, .. postgresVersions, "/usr/sbin", "/usr/bin", "/usr/local/bin",
            "/usr/share/elasticsearch/bin", "/usr/share/kibana/bin"]);
    }

    public string? Find(LocalProgram program) =>
        searchPath.Select(dir => Path.Combine(dir, program.Name)).FirstOrDefault(File.Exists);

    public string Resolve(LocalProgram program) =>
        Find(program) ?? throw new DistributedApplicationException(MissingMessage([program]));

    /// <summary>Stops the start with one message naming every missing program and the package to install.</summary>
    public void EnsureInstalled(IEnumerable<LocalProgram> programs)
    {
        var missing = programs.Where(p => Find(p) is null).ToList();
        if (missing.Count > 0)
        {
            throw new DistributedApplicationException(MissingMessage(missing));
        }
    }

    public static string MissingMessage(IReadOnlyCollection<LocalProgram> missing)
    {
        var names = string.Join(", ", missing.Select(p => $"{p.Name} (package {p.DebianPackage})"));
        var packages = string.Join(' ', missing.Select(p => p.DebianPackage).Distinct());
        return $"Local infrastructure mode needs programs that are not installed: {names}. " +
               $"Install them with `sudo apt-get install -y {packages}`, or start a container runtime " +
               $"(or set TracSeq__Infrastructure=containers) to run the infrastructure as containers.";
    }
}
