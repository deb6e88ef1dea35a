namespace TracSeq.Contracts;

/// <summary>The kinds of sample the lab takes, as they appear on the wire, and the code each has in generated barcodes.</summary>
public static class SampleTypes
{
    public const string Dna = "dna";
    public const string Rna = "rna";
    public const string Blood = "blood";
    public const string Saliva = "saliva";
    public const string Tissue = "tissue";
    public const string Cells = "cells";
    public const string Plasma = "plasma";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Dna, Rna, Blood, Saliva, Tissue, Cells, Plasma, Other];

    /// <summary>Exactly one of <see cref="All"/> (wire values are lower case; no trimming, no case folding).</summary>
    public static bool IsKnown(string? type) => type is not null && All.Contains(type);

    /// <summary>The three letters a generated barcode carries for this type (<c>TS-DNA-…</c>, <c>TS-BLD-…</c>).</summary>
    public static string BarcodeCode(string sampleType) => sampleType switch
    {
        Dna => "DNA",
        Rna => "RNA",
        Blood => "BLD",
        Saliva => "SAL",
        Tissue => "TIS",
        Cells => "CEL",
        Plasma => "PLS",
        _ => "OTH",
    };
}
