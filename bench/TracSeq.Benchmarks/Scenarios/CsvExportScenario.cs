using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// <c>GET /api/samples/export?format=csv</c> of every sample in the database (run after the batch scenarios, so
/// hundreds of thousands), read to the end. Meanwhile the Samples process's working set is sampled from its
/// <c>/metrics</c>: streaming from a reader should keep it flat however many rows there are.
/// </summary>
public sealed partial class CsvExportScenario : IBenchmarkScenario
{
    private HttpClient? _client;
    private HttpClient? _metrics;
    private long _rows;
    private long _bytes;
    private double _workingSetBefore;
    private double _workingSetPeak;

    public string Name => $"GET /api/samples/export?format=csv (all {_rows:N0} rows)";

    public long ItemsPerRun => _rows;

    public string? Notes => string.Create(CultureInfo.InvariantCulture,
        $"Export: {_rows:N0} rows, {_bytes / 1048576.0:F1} MiB of CSV per run; " +
        $"Samples working set {_workingSetBefore / 1048576:F0} MiB before the first export, at most {_workingSetPeak / 1048576:F0} MiB during the exports.");

    [GeneratedRegex(@"^process_working_set_bytes (\S+)$", RegexOptions.Multiline)]
    private static partial Regex WorkingSet();

    public async Task PrepareAsync(BenchmarkHost host, CancellationToken ct)
    {
        _client = host.Client("samples");
        _metrics = host.Client("samples");
        _workingSetBefore = await WorkingSetAsync(ct);
    }

    public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
    {
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = SampleWorkingSetAsync(sampling.Token);

        var clock = Stopwatch.StartNew();
        using var response = await _client!.GetAsync("/api/samples/export?format=csv&sort=createdAt", HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Export answered {(int)response.StatusCode}.");
        }
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        long bytes = 0, lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        clock.Stop();

        await sampling.CancelAsync();
        await sampler;
        _bytes = bytes;
        _rows = lines - 1; // the header; quoted line breaks inside notes do not occur in the benchmark's rows
        return clock.Elapsed;
    }

    private async Task SampleWorkingSetAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                _workingSetPeak = Math.Max(_workingSetPeak, await WorkingSetAsync(ct));
                await Task.Delay(100, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // the export finished
        }
    }

    private async Task<double> WorkingSetAsync(CancellationToken ct)
    {
        var text = await _metrics!.GetStringAsync("/metrics", ct);
        return double.Parse(WorkingSet().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
