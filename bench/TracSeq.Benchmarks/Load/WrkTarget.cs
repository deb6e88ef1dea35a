using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TracSeq.Benchmarks.Load;

/// <summary>
/// An HTTP endpoint loaded by <c>wrk</c> (Debian package <c>wrk</c>) as a child process: one thread (the servers need
/// the other core), keep-alive connections, a Lua script for method, headers and body; <c>--latency</c> output parsed.
/// Any non-2xx/3xx answer or socket error fails the run: a fast error is not a result.
/// </summary>
public sealed partial class WrkTarget : ILoadTarget
{
    private readonly Uri _url;
    private readonly string _script;

    public WrkTarget(string name, Uri url, string method, IReadOnlyDictionary<string, string> headers, string? body = null)
    {
        Name = name;
        _url = url;
        var lua = new StringBuilder();
        lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.method = \"{method}\"");
        foreach (var (key, value) in headers)
        {
            lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"{key}\"] = \"{value}\"");
        }
        if (body is not null)
        {
            lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.body = [==[{body}]==]");
        }
        _script = Path.Combine(Path.GetTempPath(), $"tracseq-wrk-{Guid.NewGuid():N}.lua");
        File.WriteAllText(_script, lua.ToString());
    }

    public string Name { get; }

    public Uri Url => _url;

    public static int Threads { get; set; } = 1;

    /// <summary>The processes that serve this target; their CPU time per request is reported with each run.</summary>
    public IReadOnlyList<int> ServedBy { get; init; } = [];

    public async Task<LoadResult> RunAsync(int connections, TimeSpan duration, CancellationToken ct)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     $"-t{Math.Min(Threads, connections)}", $"-c{connections}",
                     string.Create(CultureInfo.InvariantCulture, $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s"),
                     "--timeout", "10s", "--latency", "-s", _script, _url.ToString(),
                 })
        {
            start.ArgumentList.Add(arg);
        }
        var cpuBefore = ProcessCpu.Seconds(ServedBy);
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk).");
        var output = wrk.StandardOutput.ReadToEndAsync(ct);
        var errors = wrk.StandardError.ReadToEndAsync(ct);
        await wrk.WaitForExitAsync(ct);
        var text = await output;
        if (wrk.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {wrk.ExitCode}: {await errors}{text}");
        }
        var cpu = ProcessCpu.Seconds(ServedBy) - cpuBefore;
        var result = Parse(text, Name);
        return ServedBy.Count == 0 || result.Requests == 0 ? result : result with { CpuMicrosPerRequest = cpu * 1e6 / result.Requests };
    }

    public static LoadResult Parse(string text, string name)
    {
        double Percentile(string p)
        {
            var m = Regex.Match(text, $@"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
            if (!m.Success)
            {
                throw new InvalidOperationException($"No {p}% latency in wrk's output for {name}:\n{text}");
            }
            var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => value / 1000, "ms" => value, "s" => value * 1000, _ => value * 60_000 };
        }
        var rps = double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Requests().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = NonSuccess().Match(text) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrors().Match(text) is { Success: true } s
            ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        if (non2xx + socket > 0)
        {
            throw new InvalidOperationException($"{name}: {non2xx} non-2xx answers and {socket} socket errors of {requests} requests:\n{text}");
        }
        return new LoadResult(rps, Percentile("50"), Percentile("90"), Percentile("99"), requests, 0, LoadResult.CurrentLoad());
    }

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
