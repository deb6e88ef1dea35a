using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Kits;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// The worst single request a technician (or a kit manager) can send to the index check and the kit-file parser
/// (issue 24, H1 and M1), in process: the same code the endpoints run, on inputs at the endpoints' limits. The H1 line
/// does what <c>POST /api/index-checks</c> does with a body of 10,000 entries: binds the JSON (into a record of the
/// request's shape: the harness compiles in Sequencing's pure code, not its web project), checks every index with
/// <see cref="IndexSequence.IsValid(string)"/>, runs the check and writes the answer as JSON. M1 reads the kit file's bytes as
/// the import endpoint does (strict UTF-8) and parses it. For each:
/// the time of one call and the memory it allocated (<c>GC.GetAllocatedBytesForCurrentThread</c> before and after,
/// which counts every byte the call allocated, live or not; an upper bound on the heap it could need), plus, for the
/// index check, the size of the JSON answer the endpoint would write. Goal: under 1 s and 50 MB each.
/// Run alone with <c>dotnet run -c Release --project bench/TracSeq.Benchmarks -- --only worst-input</c>.
/// </summary>
public sealed class WorstInputBenchmark
{
    private const int Entries = 10_000; // IndexChecksApi.MaxEntries
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<(string Name, List<double> Ms, List<double> Mb, long AnswerBytes, string Outcome)> _rows = [];
    private readonly int _runs;

    private WorstInputBenchmark(int runs) => _runs = runs;

    public static WorstInputBenchmark FromArgs(string[] args)
    {
        var at = Array.IndexOf(args, "--worst-input-runs");
        var runs = at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var r) ? r : 5;
        return new WorstInputBenchmark(Math.Max(3, runs));
    }

    public static bool Only(string[] args) => Array.IndexOf(args, "--only") is var at && at >= 0 && at + 1 < args.Length && args[at + 1] == "worst-input";

    public WorstInputBenchmark Run()
    {
        // Every entry the same: 49,995,000 colliding pairs (before: every pair built and written, 452 MB for 4,000).
        var identical = Enumerable.Range(0, Entries).Select(i => new IndexEntry($"E{i:D5}", "ACGTACGTACGTACGTACGTACGT", "TGCATGCATGCATGCATGCATGCA")).ToList();
        // Every entry different, all sharing a 24-base i7 and with i5s that differ only in their last 7 bases: before the
        // buckets, every one of the 49,995,000 group pairs was compared over both indices; now only i5s that agree on one
        // of three parts of those 7 positions are (the indices are dense there: 875,592 pairs collide).
        var distinct = Enumerable.Range(0, Entries).Select(i => new IndexEntry($"E{i:D5}", "ACGTACGTACGTACGTACGTACGT", "TGCATGCATGCATGCAT" + Tail(i))).ToList();
        // A kit-like set: random 10-base i7 and i5 (distinct), compared with 2 mismatches allowed (5 parts a read).
        var random = new Random(24);
        var kitLike = new HashSet<(string, string)>();
        while (kitLike.Count < Entries)
        {
            kitLike.Add((RandomBases(random, 10), RandomBases(random, 10)));
        }
        var kitEntries = kitLike.Select((e, i) => new IndexEntry($"K{i:D5}", e.Item1, e.Item2)).ToList();
        // The buckets' worst: distinct entries whose reads vary in only 4 positions each, with 2 mismatches allowed
        // (limit 4, five parts): too few varying positions to split, so every pair is compared, and every pair collides.
        var unbucketable = Enumerable.Range(0, Entries).Select(i => new IndexEntry($"U{i:D5}",
            "ACGTACGTACGTACGTACGT" + Tail(i % 256)[3..], "TGCATGCATGCATGCATGCA" + Tail(i / 256)[3..])).ToList();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { entries = identical.Select(e => new { id = e.Id, index1 = e.Index1, index2 = e.Index2 }) }, Json);
        Time("POST /api/index-checks body: 10,000 identical entries (all pairs collide; bound, validated, checked, answer written)", () => Handle(body));
        Time("index check: 10,000 identical entries (all pairs collide)", () => Check(identical));
        Time("index check: 10,000 distinct entries, one i7, i5s differing only in their last 7 bases", () => Check(distinct));
        Time("index check: 10,000 distinct random 10-base dual indices (kit-like), 2 mismatches", () => Check(kitEntries, 2));
        Time("index check: 10,000 distinct entries varying in 4 positions a read, 2 mismatches (no bucket splits: every pair compared)",
            () => Check(unbucketable, 2));

        var dashes = KitHead + "A01\tFixedIndexPosition\tstring\tD701" + new string('-', IlluminaKitFile.MaxBytes - 400) + "\n" + KitIndices;
        Time("kit file: 1 MiB well value 'D701----…' (M1: ~L² before)", () => Parse(dashes));
        var upload = Encoding.UTF8.GetBytes(dashes);
        Time("kit file import read + parse: 1 MiB well value 'D701----…' as uploaded bytes", () => ReadAndParse(upload));
        var badRows = new StringBuilder(KitHead).Append(KitIndices);
        while (badRows.Length < IlluminaKitFile.MaxBytes - 16)
        {
            badRows.Append("X\tN\t1\n");
        }
        Time("kit file: 1 MiB of bad [Indices] rows (~175,000 errors)", () => Parse(badRows.ToString()));
        var distinctBadRows = new StringBuilder(KitHead).Append(KitIndices);
        for (var i = 0; distinctBadRows.Length < IlluminaKitFile.MaxBytes - 32; i++)
        {
            distinctBadRows.Append(CultureInfo.InvariantCulture, $"X{i}\tN\t1\n"); // every name new, so every one is kept
        }
        Time("kit file: 1 MiB of bad [Indices] rows, each with a new name", () => Parse(distinctBadRows.ToString()));
        var prepKits = new StringBuilder(KitHead).Append(KitIndices).Append("[SupportedLibraryPrepKits]\n");
        while (prepKits.Length < IlluminaKitFile.MaxBytes - 16)
        {
            prepKits.Append("K\n");
        }
        Time("kit file: 1 MiB of [SupportedLibraryPrepKits] names (~520,000 kept)", () => Parse(prepKits.ToString()));
        return this;
    }

    private const string KitHead = "[IndexKit]\nName\tWorstCase\nIndexStrategy\tDualOnly\n[Resources]\nName\tType\tFormat\tValue\nFixedLayout\tbool\t\ttrue\n";
    private const string KitIndices = "[Indices]\nName\tSequence\tIndexReadNumber\nD701\tATTACTCG\t1\nD501\tAGGCTATA\t2\n";

    /// <summary>Seven bases numbering i (4⁷ = 16,384 ≥ 10,000 distinct), so the i5s differ only at their end.</summary>
    private static string Tail(int i) => string.Create(7, i, static (span, n) =>
    {
        for (var k = 6; k >= 0; k--, n /= 4)
        {
            span[k] = "ACGT"[n % 4];
        }
    });

    private static string RandomBases(Random random, int length) => string.Create(length, random, static (span, r) =>
    {
        for (var k = 0; k < span.Length; k++)
        {
            span[k] = "ACGT"[r.Next(4)];
        }
    });

    private static (long AnswerBytes, string Outcome) Check(List<IndexEntry> entries, int mismatches = 1)
    {
        var result = IndexCollisionChecker.Check(entries, mismatches, mismatches);
        var answer = JsonSerializer.SerializeToUtf8Bytes(new { result.Ok, result.Collisions, result.TotalCollisions, result.Truncated, result.Warnings }, Json);
        return (answer.Length, string.Create(CultureInfo.InvariantCulture, $"{result.TotalCollisions:N0} pairs, {result.Collisions.Count} listed"));
    }

    private sealed record EntryBody(string? Id, string? Index1, string? Index2);

    private sealed record CheckBody(IReadOnlyList<EntryBody?>? Entries);

    /// <summary>What the endpoint does with the body: bind it, check every index, run the check, write the answer as JSON.</summary>
    private static (long AnswerBytes, string Outcome) Handle(byte[] body)
    {
        var request = JsonSerializer.Deserialize<CheckBody>(body, Json)!;
        var entries = new List<IndexEntry>(request.Entries!.Count);
        foreach (var e in request.Entries)
        {
            if (e is null || !IndexSequence.IsValid(e.Index1) || (e.Index2 is not null && !IndexSequence.IsValid(e.Index2)))
            {
                throw new InvalidOperationException("The worst input is a valid one.");
            }
            entries.Add(new IndexEntry(e.Id ?? "", e.Index1!.ToUpperInvariant(), e.Index2?.ToUpperInvariant()));
        }
        var result = IndexCollisionChecker.Check(entries);
        var answer = JsonSerializer.SerializeToUtf8Bytes(new { result.Ok, result.Collisions, result.TotalCollisions, result.Truncated, result.Warnings }, Json);
        return (answer.Length, string.Create(CultureInfo.InvariantCulture,
            $"{body.Length / 1024.0:F0} KiB body; {result.TotalCollisions:N0} pairs, {result.Collisions.Count} listed"));
    }

    /// <summary>The import endpoint's read of the uploaded file (strict UTF-8), then the parse.</summary>
    private static (long AnswerBytes, string Outcome) ReadAndParse(byte[] file)
    {
        using var reader = new StreamReader(new MemoryStream(file), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        return Parse(reader.ReadToEnd());
    }

    private static (long AnswerBytes, string Outcome) Parse(string text)
    {
        var result = IlluminaKitFile.Parse(text);
        return (0, string.Create(CultureInfo.InvariantCulture, $"{result.TotalErrors:N0} errors, {result.Errors.Count} listed"));
    }

    private void Time(string name, Func<(long AnswerBytes, string Outcome)> call)
    {
        call(); // warm-up (tiered JIT)
        var ms = new List<double>();
        var mb = new List<double>();
        (long, string) last = (0, "");
        for (var run = 0; run < _runs; run++)
        {
            GC.Collect();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var t = Stopwatch.GetTimestamp();
            last = call();
            ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            mb.Add((GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / 1024.0);
        }
        _rows.Add((name, ms, mb, last.Item1, last.Item2));
        Console.WriteLine($"  {name}: {Median(ms):F1} ms, {Median(mb):F1} MB");
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("### Sequencing: the worst single request (issue 24, H1 and M1)").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"In process, the endpoints' own code at their limits; {_runs} runs after one warm-up call; " +
            $"time of one call and bytes it allocated (every allocation, live or not). Goal: < 1 s and < 50 MB.").AppendLine();
        text.AppendLine("| input | runs | median ms (min–max) | allocated MB, median (min–max) | JSON answer | outcome | goal met |");
        text.AppendLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var (name, ms, mb, answer, outcome) in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {ms.Count} | {Median(ms):F1} ({ms.Min():F1}–{ms.Max():F1}) | {Median(mb):F1} ({mb.Min():F1}–{mb.Max():F1}) | " +
                $"{(answer > 0 ? $"{answer / 1024.0:F1} KiB" : "—")} | {outcome} | {(Median(ms) < 1000 && Median(mb) < 50 ? "yes" : "no")} |");
        }
        return text.ToString();
    }

    public async Task WriteAloneAsync(string output, string machineState, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "worst-input.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, $"{machineState}\n\n{Table()}", ct);
        Console.WriteLine($"Wrote {path}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
