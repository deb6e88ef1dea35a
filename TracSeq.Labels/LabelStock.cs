namespace TracSeq.Labels;

/// <summary>The symbols a stock can carry.</summary>
public static class Symbologies
{
    public const string Code128 = "code128";
    public const string DataMatrix = "datamatrix";
}

/// <summary>The output formats: PDF for any printer, ZPL for Zebra label printers.</summary>
public static class LabelFormats
{
    public const string Pdf = "pdf";
    public const string Zpl = "zpl";
    public const string Png = "png";

    public static readonly IReadOnlyList<string> Printable = [Pdf, Zpl];
}

/// <summary>
/// Where the labels of a sheet stock sit on the page: <see cref="Columns"/> × <see cref="Rows"/> labels, the first one's
/// top-left corner at (<see cref="LeftMm"/>, <see cref="TopMm"/>), the next ones <see cref="PitchXMm"/> and
/// <see cref="PitchYMm"/> further on.
/// </summary>
public sealed record SheetLayout(double PageWidthMm, double PageHeightMm, int Columns, int Rows,
    double LeftMm, double TopMm, double PitchXMm, double PitchYMm)
{
    public int PerPage => Columns * Rows;

    /// <summary>The top-left corner of the <paramref name="index"/>-th label of a page, filled row by row.</summary>
    public (double XMm, double YMm) Origin(int index) =>
        (LeftMm + index % Columns * PitchXMm, TopMm + index / Columns * PitchYMm);
}

/// <summary>A label stock: one label's physical size, what it can carry, and, for a sheet, the sheet.</summary>
public sealed record LabelStock(string Name, string Description, double WidthMm, double HeightMm,
    IReadOnlyList<string> Symbologies, IReadOnlyList<string> Fields, IReadOnlyList<string> Formats, SheetLayout? Sheet = null)
{
    public bool Carries(string symbology) => Symbologies.Contains(symbology);
}

/// <summary>The stocks TracSeq prints on.</summary>
public static class LabelStocks
{
    public static readonly IReadOnlyList<string> AllFields = ["barcode", "name", "projectCode", "date", "position"];

    public static readonly LabelStock CryoTube = new("cryo-tube",
        "Cryo-tube wrap-around label, 38 × 13 mm: Code 128 across the top, Data Matrix and text below.",
        38, 13, [Symbologies.Code128, Symbologies.DataMatrix], AllFields, [LabelFormats.Pdf, LabelFormats.Zpl]);

    public static readonly LabelStock Tube15 = new("tube-1.5ml",
        "1.5 ml tube lid or side label, 25 × 13 mm: Data Matrix only (a Code 128 does not fit), text beside it.",
        25, 13, [Symbologies.DataMatrix], AllFields, [LabelFormats.Pdf, LabelFormats.Zpl]);

    public static readonly LabelStock Plate = new("plate",
        "Plate and box label, 76 × 13 mm: Code 128 across the top, Data Matrix and text below.",
        76, 13, [Symbologies.Code128, Symbologies.DataMatrix], AllFields, [LabelFormats.Pdf, LabelFormats.Zpl]);

    /// <summary>The common 65-up A4 sheet (5 × 13 labels of 38.1 × 21.2 mm), for office laser printers; PDF only.</summary>
    public static readonly LabelStock A4Sheet = new("a4-sheet",
        "A4 sheet of 65 labels (5 columns × 13 rows, 38.1 × 21.2 mm each) for an office printer; PDF only.",
        38.1, 21.2, [Symbologies.Code128, Symbologies.DataMatrix], AllFields, [LabelFormats.Pdf],
        new SheetLayout(210, 297, Columns: 5, Rows: 13, LeftMm: 4.7, TopMm: 10.7, PitchXMm: 40.6, PitchYMm: 21.2));

    public static readonly IReadOnlyList<LabelStock> All = [CryoTube, Tube15, Plate, A4Sheet];

    public static LabelStock? Find(string? name) => All.FirstOrDefault(s => s.Name == name);
}

/// <summary>What one label says. <see cref="Position"/> is set for the labels of a box (A1, B7 …).</summary>
public sealed record LabelItem(string Barcode, string Name, string? ProjectCode, DateOnly Date, string? Position = null);
