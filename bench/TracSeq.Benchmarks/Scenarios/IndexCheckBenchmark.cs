using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using TracSeq.Sequencing.Indexing;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// The index-collision check on one lane of 384 dual-indexed libraries (73,536 pairs), in process: no AppHost, no HTTP.
/// Timed one call per run after warm-up calls (tiered JIT), median with min–max. The same-run baseline is a plain loop
/// that only reads every byte of both indices of every pair (XOR-summed so the JIT cannot drop it): the floor for any
/// all-pairs comparison. The checker also validates and packs its input and builds the warnings, but stops comparing a
/// pair at the first distance that cannot collide, so it can come in under the baseline.
/// Run alone with <c>dotnet run -c Release --project bench/TracSeq.Benchmarks -- --only index-check</c>.
/// </summary>
public sealed class IndexCheckBenchmark
{
    public const int Libraries = 384;
    public const int Pairs = Libraries * (Libraries - 1) / 2;
    public const int IndexLength = 10;

    private readonly List<double> _checkMs = [];
    private readonly List<double> _sharedI7Ms = [];
    private readonly List<double> _baselineMs = [];
    private readonly int _runs;
    private readonly int _warmUp;
    private int _collisions;

    private IndexCheckBenchmark(int runs, int warmUp) => (_runs, _warmUp) = (runs, warmUp);

    /// <summary><c>--index-check-runs N</c> (default 15, at least 3) and <c>--index-check-warmup N</c> (default 50).</summary>
    public static IndexCheckBenchmark FromArgs(string[] args)
    {
        int Read(string name, int fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
        }
        return new IndexCheckBenchmark(Math.Max(3, Read("--index-check-runs", 15)), Read("--index-check-warmup", 50));
    }

    /// <summary>Whether the command line asks for this scenario alone.</summary>
    public static bool Only(string[] args) => Array.IndexOf(args, "--only") is var at && at >= 0 && at + 1 < args.Length && args[at + 1] == "index-check";

    public IndexCheckBenchmark Run()
    {
        var entries = Entries();
        // The slow case for the checker: every library has the same i7 (told apart by i5 only), so no pair stops early
        // on Index 1 and every Index 2 is compared.
        var sharedI7 = entries.Select(e => e with { Index1 = entries[0].Index1 }).ToList();
        var packed = entries.Select(e => (Encoding.ASCII.GetBytes(e.Index1), Encoding.ASCII.GetBytes(e.Index2!))).ToArray();
        for (var i = 0; i < _warmUp; i++)
        {
            _collisions = IndexCollisionChecker.Check(entries).Collisions.Count;
            IndexCollisionChecker.Check(sharedI7);
            ReadEveryPair(packed);
        }
        // Runs alternate between the two, so drift on a shared machine hits both alike.
        for (var run = 0; run < _runs; run++)
        {
            var t = Stopwatch.GetTimestamp();
            var result = IndexCollisionChecker.Check(entries);
            _checkMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            _collisions = result.Collisions.Count;

            t = Stopwatch.GetTimestamp();
            IndexCollisionChecker.Check(sharedI7);
            _sharedI7Ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);

            t = Stopwatch.GetTimestamp();
            ReadEveryPair(packed);
            _baselineMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return this;
    }

    /// <summary>The table alone, with the machine's state, to <c>index-check.md</c> beside the harness's other results.</summary>
    public async Task WriteAloneAsync(string output, string machineState, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "index-check.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, $"{machineState}\n\n{Table()}", ct);
        Console.WriteLine($"Wrote {path}");
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"### Sequencing: index-collision check, {Libraries} dual-indexed libraries ({Pairs:N0} pairs) on one lane").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"In process, {IndexLength}-base i7 and i5, mismatches 1/1; {_runs} runs (one call each) after {_warmUp} warm-up calls; " +
            $"{_collisions} collisions found.").AppendLine();
        text.AppendLine("| scenario | runs | median ms | min ms | max ms | pairs/ms (median) | × baseline |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var baseline = Median(_baselineMs);
        Row(text, "`IndexCollisionChecker.Check` (validate, pack, compare, warnings)", _checkMs, baseline);
        Row(text, "the same, every library sharing one i7 (every i5 compared)", _sharedI7Ms, baseline);
        Row(text, "plain loop reading every byte of every pair (baseline)", _baselineMs, baseline);
        var worst = Math.Max(Median(_checkMs), Median(_sharedI7Ms));
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture,
            $"Target < 20 ms: {(worst < 20 ? "yes" : "no")} ({Median(_checkMs):F2} ms median, {Median(_sharedI7Ms):F2} ms with a shared i7).");
        return text.ToString();
    }

    public object Json() => new
    {
        name = "sequencing index check",
        libraries = Libraries,
        pairs = Pairs,
        checkMs = _checkMs,
        sharedI7Ms = _sharedI7Ms,
        baselineMs = _baselineMs,
        medianCheckMs = Median(_checkMs),
        medianBaselineMs = Median(_baselineMs),
        collisions = _collisions,
    };

    private static void Row(StringBuilder text, string name, List<double> ms, double baseline) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {ms.Count} | {Median(ms):F3} | {ms.Min():F3} | {ms.Max():F3} | {Pairs / Median(ms):N0} | {Median(ms) / baseline:F2} |");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>384 libraries with random (seeded, so every run sees the same) 10-base i7 and i5.</summary>
    private static List<IndexEntry> Entries()
    {
        var random = new Random(384);
        string Index() => string.Create(IndexLength, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = "ACGT"[r.Next(4)];
            }
        });
        return Enumerable.Range(1, Libraries).Select(n => new IndexEntry($"TS-LIB-261127-{n:D5}", Index(), Index())).ToList();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadEveryPair((byte[] I7, byte[] I5)[] packed)
    {
        var sum = 0;
        for (var i = 0; i < packed.Length; i++)
        {
            var (a7, a5) = packed[i];
            for (var j = i + 1; j < packed.Length; j++)
            {
                var (b7, b5) = packed[j];
                for (var k = 0; k < a7.Length; k++)
                {
                    sum ^= a7[k] ^ b7[k];
                }
                for (var k = 0; k < a5.Length; k++)
                {
                    sum ^= a5[k] ^ b5[k];
                }
            }
        }
        return sum;
    }
}
