using System.Globalization;
using System.Text;

namespace TracSeq.Benchmarks;

/// <summary>The operating-system process of a TracSeq service, found from the pid DCP reports, read from /proc.</summary>
public static class ServiceProcess
{
    private static readonly Dictionary<string, string> Assemblies = new()
    {
        ["auth"] = "TracSeq.Auth", ["samples"] = "TracSeq.Samples", ["templates"] = "TracSeq.Templates", ["sequencing"] = "TracSeq.Sequencing",
        ["gateway"] = "TracSeq.Gateway",
    };

    /// <summary>Resolves and remembers the pid of every service of the host (call once it is healthy).</summary>
    public static async Task ResolveAsync(BenchmarkHost host, CancellationToken ct)
    {
        foreach (var (resource, assembly) in Assemblies)
        {
            var reported = await host.ReportedPidAsync(resource, ct)
                           ?? throw new InvalidOperationException($"DCP reported no pid for {resource}.");
            // DCP may launch a wrapper (dotnet run, a shell); the service is the process running its own assembly.
            var pid = SelfAndDescendants(reported).FirstOrDefault(p => CommandLine(p).Contains(assembly, StringComparison.Ordinal)
                                                                     && !CommandLine(p).Contains(" run ", StringComparison.Ordinal));
            host.KnownPids[resource] = pid != 0 ? pid : throw new InvalidOperationException(
                $"No process running {assembly} under pid {reported} ({CommandLine(reported)}).");
        }
    }

    public static int Find(BenchmarkHost host, string resource) =>
        host.KnownPids.TryGetValue(resource, out var pid) ? pid : throw new InvalidOperationException($"No pid known for {resource}.");

    /// <summary>VmRSS from /proc/{pid}/status, in MiB; null once the process is gone.</summary>
    public static double? RssMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static Dictionary<string, string> Environment(int pid) =>
        Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

    public static string CommandLine(int pid)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static IEnumerable<int> SelfAndDescendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }
        var result = new List<int> { root };
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(parents.Where(p => p.Value == result[i]).Select(p => p.Key));
        }
        return result;
    }
}
