using System.Globalization;
using System.Text;

namespace TracSeq.Benchmarks;

/// <summary>
/// Scenario 6: each service process's resident memory (VmRSS from /proc/{pid}/status). Idle: the median of a few
/// readings a second apart on the settled stack. Under load: the highest reading, every 250 ms, while the HTTP
/// scenarios (1, 2) and the submissions (4) run.
/// </summary>
public sealed class Memory(BenchmarkHost host)
{
    public Dictionary<string, double> IdleBefore { get; } = [];

    public Dictionary<string, double> PeakUnderLoad { get; } = [];

    public Dictionary<string, double> IdleAfter { get; } = [];

    public double LoadBefore { get; private set; }

    public double LoadAfter { get; private set; }

    public async Task<Dictionary<string, double>> IdleAsync(CancellationToken ct)
    {
        var readings = BenchmarkHost.Services.ToDictionary(s => s, _ => new List<double>());
        for (var i = 0; i < 5; i++)
        {
            foreach (var service in BenchmarkHost.Services)
            {
                if (ServiceProcess.RssMiB(ServiceProcess.Find(host, service)) is { } rss)
                {
                    readings[service].Add(rss);
                }
            }
            await Task.Delay(1000, ct);
        }
        return readings.ToDictionary(r => r.Key, r => Load.LoadComparison.Median(r.Value));
    }

    public async Task MeasureIdleBeforeAsync(CancellationToken ct)
    {
        foreach (var (k, v) in await IdleAsync(ct))
        {
            IdleBefore[k] = v;
        }
        LoadBefore = Load.LoadResult.CurrentLoad();
    }

    public async Task MeasureIdleAfterAsync(CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(5), ct); // let the last requests drain
        foreach (var (k, v) in await IdleAsync(ct))
        {
            IdleAfter[k] = v;
        }
        LoadAfter = Load.LoadResult.CurrentLoad();
        foreach (var service in BenchmarkHost.Services)
        {
            BreakdownAfter[service] = Breakdown(ServiceProcess.Find(host, service));
        }
    }

    /// <summary>What the idle RSS after load is made of (MiB): anonymous memory (GC heap, JIT'd code, native
    /// allocations: the process's own), file pages (the runtime's and libraries' DLLs, shared with every other .NET
    /// process on the machine) and shared memory (the JIT's double-mapped code pages under W^X).</summary>
    public Dictionary<string, (double Anon, double File, double Shmem)> BreakdownAfter { get; } = [];

    private static (double Anon, double File, double Shmem) Breakdown(int pid)
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{pid}/status");
            double Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } l
                ? double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 : double.NaN;
            return (Field("RssAnon:"), Field("RssFile:"), Field("RssShmem:"));
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN, double.NaN);
        }
    }

    /// <summary>Samples every 250 ms until cancelled.</summary>
    public async Task SampleUnderLoadAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var service in BenchmarkHost.Services)
                {
                    if (ServiceProcess.RssMiB(ServiceProcess.Find(host, service)) is { } rss)
                    {
                        PeakUnderLoad[service] = Math.Max(PeakUnderLoad.GetValueOrDefault(service), rss);
                    }
                }
                await Task.Delay(250, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // the load is over
        }
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("### 6. Memory (VmRSS of each service process, MiB)").AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Idle: median of 5 readings 1 s apart on the settled stack (load {LoadBefore:F2} before, {LoadAfter:F2} after); " +
            $"under load: the peak, read every 250 ms during scenarios 1, 2 and 4, the batch endpoint and the CSV exports."));
        text.AppendLine();
        text.AppendLine("| service | idle before load | peak under load | idle after load | of which anonymous / file (shared DLLs) / shmem (JIT W^X) |");
        text.AppendLine("|---|---:|---:|---:|---|");
        foreach (var service in BenchmarkHost.Services)
        {
            var breakdown = BreakdownAfter.GetValueOrDefault(service);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {service} | {IdleBefore.GetValueOrDefault(service):F0} | {PeakUnderLoad.GetValueOrDefault(service):F0} | " +
                $"{IdleAfter.GetValueOrDefault(service):F0} | {breakdown.Anon:F0} / {breakdown.File:F0} / {breakdown.Shmem:F0} |"));
        }
        return text.ToString();
    }
}
