using System.Globalization;
using ZXing.Common;

namespace TracSeq.Labels;

/// <summary>Something printed on a label, in printer dots from the label's top-left corner.</summary>
public abstract record LabelElement;

/// <summary>
/// A symbol: each dark cell of <see cref="Matrix"/> is <see cref="Module"/> dots wide and <see cref="RowHeight"/>
/// dots high (a Code 128 has one row as high as its bars; a Data Matrix has square cells). <see cref="Text"/> is
/// what it encodes.
/// </summary>
public sealed record SymbolElement(string Symbology, string Text, BitMatrix Matrix, int X, int Y, int Module, int RowHeight) : LabelElement
{
    public int Width => Matrix.Width * Module;
    public int Height => Matrix.Height * RowHeight;
}

/// <summary>One line of text: its top-left corner, the width it may take, and the font size (the em) in dots.</summary>
public sealed record TextElement(string Field, string Text, int X, int Y, int Width, int Size) : LabelElement;

/// <summary>Everything on one label at one resolution.</summary>
public sealed record LabelPlan(int Width, int Height, double DotsPerMm, IReadOnlyList<LabelElement> Elements)
{
    public IEnumerable<SymbolElement> Symbols => Elements.OfType<SymbolElement>();
    public IEnumerable<TextElement> Texts => Elements.OfType<TextElement>();
}

/// <summary>
/// Where things go on a label, in whole printer dots so a thermal printer prints exactly the planned bars: the
/// Code 128 across the top when the stock carries one and it fits at one dot or more per module with its quiet
/// zones (else the label carries the Data Matrix alone), the Data Matrix below at the left, and three lines of text
/// beside it (barcode; name; position · project · date), each shortened with an ellipsis to its width.
/// </summary>
public static class LabelLayout
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The width of a string at a size, both in dots.</summary>
    public delegate double Measure(string text, double size);

    /// <summary>The printable area in dots: the label less its margin, and how far down the symbols have filled it.</summary>
    private sealed class Area(double dpmm, int width, int height, int margin)
    {
        private int? _top;

        public int Dots(double mm) => (int)Math.Round(mm * dpmm);
        public int Width => width;
        public int Margin => margin;
        public int Left => margin;
        public int InnerWidth => width - 2 * margin;
        public int Bottom => height - margin;

        /// <summary>The top of what is still free: the margin until a symbol takes space.</summary>
        public int Top
        {
            get => _top ?? margin;
            set => _top = value;
        }
    }

    public static LabelPlan Plan(LabelStock stock, LabelItem item, int dpi, Measure measure)
    {
        var dpmm = dpi / 25.4;
        var width = (int)Math.Round(stock.WidthMm * dpmm);
        var height = (int)Math.Round(stock.HeightMm * dpmm);
        // Sheet labels are die-cut and fed through office printers that place the page to within a millimetre or so.
        var area = new Area(dpmm, width, height, (int)Math.Round((stock.Sheet is null ? 1.0 : 1.5) * dpmm));
        var elements = new List<LabelElement>();
        if (stock.Carries(Labels.Symbologies.Code128))
        {
            AddCode128(area, item, elements);
        }
        var textLeft = stock.Carries(Labels.Symbologies.DataMatrix) ? AddDataMatrix(area, item, elements) : area.Left;
        AddText(area, item, textLeft, measure, elements);
        return new LabelPlan(width, height, dpmm, elements);
    }

    /// <summary>Across the top, when it fits at one dot or more per module with its quiet zones.</summary>
    private static void AddCode128(Area area, LabelItem item, List<LabelElement> elements)
    {
        var bars = Labels.Symbols.Code128(item.Barcode);
        var module = Math.Min(area.InnerWidth / (bars.Width + 2 * Labels.Symbols.Code128QuietModules), Math.Max(1, area.Dots(0.33)));
        if (module >= 1)
        {
            var barHeight = (int)Math.Round((area.Bottom - area.Top) * 0.4);
            elements.Add(new SymbolElement(
                Labels.Symbologies.Code128, item.Barcode, bars, area.Left + (area.InnerWidth - bars.Width * module) / 2, area.Top, module, barHeight));
            area.Top += barHeight + area.Dots(0.6);
        }
    }

    /// <summary>Below at the left, when it fits; where the text then starts.</summary>
    private static int AddDataMatrix(Area area, LabelItem item, List<LabelElement> elements)
    {
        var matrix = Labels.Symbols.DataMatrix(item.Barcode);
        var module = Math.Min((area.Bottom - area.Top) / matrix.Height, Math.Max(1, area.Dots(0.4)));
        if (module < 1)
        {
            return area.Left;
        }
        elements.Add(new SymbolElement(Labels.Symbologies.DataMatrix, item.Barcode, matrix, area.Left, area.Top, module, module));
        return area.Left + matrix.Width * module + Math.Max(area.Dots(1.0), module);
    }

    /// <summary>Barcode, name and details in three lines beside the matrix, each fitted to its width.</summary>
    private static void AddText(Area area, LabelItem item, int textLeft, Measure measure, List<LabelElement> elements)
    {
        var textWidth = area.Width - area.Margin - textLeft;
        var size = (int)Math.Min((area.Bottom - area.Top) / (3 * LabelFont.LineHeight), area.Dots(2.6));
        var details = Details(item, textWidth, text => measure(text, size));
        var lines = new (string Field, string Text)[]
        {
            ("barcode", LabelText.Clean(item.Barcode)), ("name", LabelText.Clean(item.Name)), ("details", details),
        };
        var y = area.Top;
        foreach (var (field, text) in lines)
        {
            // The barcode's text and the details (position, date) are never shortened while a smaller size (down to
            // 1 mm) still fits them whole; a name is shortened instead.
            var lineSize = field is "barcode" or "details" ? Shrink(text, size, textWidth, area.Dots(1.0), measure) : size;
            var fitted = LabelText.Fit(text, textWidth, s => measure(s, lineSize));
            if (fitted.Length > 0 && size > 0)
            {
                elements.Add(new TextElement(field, fitted, textLeft, y, textWidth, lineSize));
            }
            y += (int)Math.Round(size * LabelFont.LineHeight);
        }
    }

    /// <summary>
    /// Position · project · date. The project gives way first (shortened, then left out): a tube is read for its
    /// position and its date, so on a narrow label those stay whole while they fit at all.
    /// </summary>
    private static string Details(LabelItem item, int width, Func<string, double> measure)
    {
        var position = LabelText.Clean(item.Position);
        var project = LabelText.Clean(item.ProjectCode);
        var date = item.Date.ToString(DateFormat, CultureInfo.InvariantCulture);
        var head = position.Length > 0 ? position + " · " : "";
        var withoutProject = head + date;
        if (project.Length == 0)
        {
            return withoutProject;
        }
        var tail = " · " + date;
        var room = width - measure(head + tail);
        var fitted = room > 0 ? LabelText.Fit(project, room, measure) : "";
        return fitted is "" or LabelText.Ellipsis ? withoutProject : head + fitted + tail;
    }

    private static int Shrink(string text, int size, int width, int smallest, Measure measure)
    {
        var wide = measure(text, size);
        return wide <= width ? size : Math.Max((int)Math.Floor(size * width / wide), Math.Min(size, smallest));
    }
}
