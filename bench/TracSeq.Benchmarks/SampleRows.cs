using System.Globalization;

namespace TracSeq.Benchmarks;

/// <summary>The sample rows every batch scenario inserts: what a typical submission sheet carries.</summary>
public static class SampleRows
{
    private static readonly string[] Types = ["dna", "rna", "blood", "plasma"];

    public static IReadOnlyList<SampleRow> Create(int count) =>
    [
        .. Enumerable.Range(1, count).Select(i => new SampleRow(
            Name: string.Create(CultureInfo.InvariantCulture, $"Patient {i % 977:D3} sample {i}"),
            SampleType: Types[i % Types.Length],
            ProjectCode: "BENCH-2025",
            Volume: 50m + i % 200,
            Concentration: 12.5m + i % 30,
            CollectedAt: new DateTime(2025, 1, 1, 8, 0, 0, DateTimeKind.Utc).AddMinutes(i),
            Metadata: new Dictionary<string, object>
            {
                ["donor"] = string.Create(CultureInfo.InvariantCulture, $"D-{i % 977:D4}"),
                ["plate"] = string.Create(CultureInfo.InvariantCulture, $"P{i / 96 + 1}"),
                ["well"] = string.Create(CultureInfo.InvariantCulture, $"{(char)('A' + i % 8)}{i % 12 + 1}"),
            })),
    ];
}

public sealed record SampleRow(
    string Name, string SampleType, string ProjectCode, decimal Volume, decimal Concentration, DateTime CollectedAt,
    Dictionary<string, object> Metadata);
