using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace TracSeq.Labels;

/// <summary>
/// Labels as a PDF for any printer: one page per label at the stock's physical size, or, for a sheet stock, the
/// labels laid on its pages row by row. Laid out on a 300 dpi grid (what a 300 dpi label printer prints exactly);
/// the font is embedded (subset), so the PDF prints the same everywhere.
/// </summary>
public static class PdfLabels
{
    public const int Dpi = 300;
    private static readonly Lock Setup = new();

    public static byte[] Render(LabelStock stock, IReadOnlyList<LabelItem> items, int copies = 1)
    {
        EnsureFont();
        using var document = new PdfDocument();
        document.Info.Title = $"TracSeq labels ({stock.Name})";
        document.Info.Creator = "TracSeq";
        var labels = items.SelectMany(item => Enumerable.Repeat(item, copies)).ToList();
        if (stock.Sheet is { } sheet)
        {
            foreach (var pageLabels in labels.Chunk(sheet.PerPage))
            {
                using var graphics = XGraphics.FromPdfPage(AddPage(document, sheet.PageWidthMm, sheet.PageHeightMm));
                for (var i = 0; i < pageLabels.Length; i++)
                {
                    var (x, y) = sheet.Origin(i);
                    Draw(graphics, LabelLayout.Plan(stock, pageLabels[i], Dpi, LabelFont.Width), Millimetres(x), Millimetres(y));
                }
            }
        }
        else
        {
            foreach (var label in labels)
            {
                using var graphics = XGraphics.FromPdfPage(AddPage(document, stock.WidthMm, stock.HeightMm));
                Draw(graphics, LabelLayout.Plan(stock, label, Dpi, LabelFont.Width), 0, 0);
            }
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static PdfPage AddPage(PdfDocument document, double widthMm, double heightMm)
    {
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(widthMm);
        page.Height = XUnit.FromMillimeter(heightMm);
        return page;
    }

    private static double Millimetres(double mm) => mm * 72 / 25.4;

    private static void Draw(XGraphics graphics, LabelPlan plan, double originX, double originY)
    {
        var point = 72 / 25.4 / plan.DotsPerMm; // points per dot
        foreach (var symbol in plan.Symbols)
        {
            for (var row = 0; row < symbol.Matrix.Height; row++)
            {
                foreach (var (start, length) in Symbols.DarkRuns(symbol.Matrix, row))
                {
                    graphics.DrawRectangle(XBrushes.Black, originX + (symbol.X + start * symbol.Module) * point,
                        originY + (symbol.Y + row * symbol.RowHeight) * point, length * symbol.Module * point, symbol.RowHeight * point);
                }
            }
        }
        foreach (var text in plan.Texts)
        {
            var font = new XFont(LabelFont.Family, text.Size * point, XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode));
            graphics.DrawString(text.Text, font, XBrushes.Black,
                new XPoint(originX + text.X * point, originY + (text.Y + text.Size * LabelFont.Ascent) * point), XStringFormats.BaseLineLeft);
        }
    }

    private static void EnsureFont()
    {
        lock (Setup)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFontResolver)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }
        }
    }

    /// <summary>Every face PDFsharp asks for is the embedded label font: no system fonts are looked at.</summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        private const string Face = "TracSeqLabelFont";

        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new(Face);

        public byte[] GetFont(string faceName) => LabelFont.Bytes;
    }
}
