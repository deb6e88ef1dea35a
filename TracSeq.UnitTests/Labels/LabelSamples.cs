using TracSeq.Labels;

namespace TracSeq.UnitTests.Labels;

/// <summary>Labels the tests print: ordinary ones and names built to break a layout or a ZPL stream.</summary>
public static class LabelSamples
{
    public static readonly DateOnly Day = new(2026, 12, 7);

    public static readonly LabelItem Generated = new("TS-DNA-261207-00017", "Liver biopsy 12", "ONC-2025", Day);
    public static readonly LabelItem Client = new("PLATE7-A01", "Plasma aliquot", null, Day, "A1");
    public static readonly LabelItem Short = new("BX-9", "Buffy coat", "CARD-7", Day, "H12");

    /// <summary>The longest barcode the rules allow (50 characters).</summary>
    public static readonly LabelItem Longest = new("ABCDEFGHIJ-0123456789-KLMNOPQRST-9876543210-UVWXY12", "Longest barcode", "P", Day);

    public static readonly string LongName = string.Concat(Enumerable.Repeat("Very long sample name ", 23))[..500];

    public static readonly IReadOnlyList<LabelItem> Hostile =
    [
        new("HOSTILE-0001", LongName, new string('P', 100), Day, "J10"),
        new("HOSTILE-0002", "Sample 🧬 with emoji 😀👩‍🔬", "EMOJI", Day),
        new("HOSTILE-0003", "דגימה מספר 12 — عينة رقم ١٢", "RTL", Day),
        new("HOSTILE-0004", "^XZ^XA^FO0,0^FDinjected^FS~JA~JR _41 end", "^XZ~PS", Day),
        new("HOSTILE-0005", "tab\there\nnew line\r\u202Eright-to-left override\u0000nul", "\u200Bzero-width", Day),
    ];
}
