using System.Globalization;
using System.Text;

namespace TracSeq.Labels;

/// <summary>
/// Labels as ZPL II for Zebra printers: one <c>^XA … ^XZ</c> block per label, sized with <c>^PW</c>/<c>^LL</c> for the
/// printer's resolution (203 or 300 dpi), <c>^BC</c> for the Code 128 and <c>^BX</c> (ECC 200) for the Data Matrix,
/// text in the printer's scalable font 0, UTF-8 (<c>^CI28</c>). Every field's data is hex-escaped (<c>^FH</c>), so
/// a name holding <c>^</c> or <c>~</c> can neither end the label nor start a command.
/// </summary>
public static class ZplLabels
{
    public static readonly IReadOnlyList<int> Resolutions = [203, 300];

    /// <summary>Font 0 is a condensed sans like the label font; measured with it and 10 % to spare.</summary>
    public static double Measure(string text, double size) => LabelFont.Width(text, size) * 1.1;

    public static string Render(LabelStock stock, IReadOnlyList<LabelItem> items, int copies, int dpi)
    {
        if (!stock.Formats.Contains(LabelFormats.Zpl))
        {
            throw new ArgumentException($"The stock {stock.Name} is printed as PDF only.", nameof(stock));
        }
        if (!Resolutions.Contains(dpi))
        {
            throw new ArgumentOutOfRangeException(nameof(dpi), dpi, "ZPL is written for 203 or 300 dpi.");
        }
        var zpl = new StringBuilder();
        foreach (var item in items)
        {
            var block = Block(LabelLayout.Plan(stock, item, dpi, Measure));
            for (var copy = 0; copy < copies; copy++)
            {
                zpl.Append(block);
            }
        }
        return zpl.ToString();
    }

    private static string Block(LabelPlan plan)
    {
        var zpl = new StringBuilder();
        zpl.Append(CultureInfo.InvariantCulture, $"^XA\n^CI28\n^PW{plan.Width}\n^LL{plan.Height}\n^LH0,0\n");
        foreach (var element in plan.Elements)
        {
            switch (element)
            {
                case SymbolElement { Symbology: Symbologies.Code128 } bars:
                    zpl.Append(CultureInfo.InvariantCulture,
                        $"^FO{bars.X},{bars.Y}^BY{bars.Module},3,{bars.RowHeight}^BCN,{bars.RowHeight},N,N,N,A^FH^FD{Escape(bars.Text)}^FS\n");
                    break;
                case SymbolElement matrix:
                    zpl.Append(CultureInfo.InvariantCulture,
                        $"^FO{matrix.X},{matrix.Y}^BXN,{matrix.Module},200,{matrix.Matrix.Width},{matrix.Matrix.Height}^FH^FD{Escape(matrix.Text)}^FS\n");
                    break;
                case TextElement text:
                    zpl.Append(CultureInfo.InvariantCulture,
                        $"^FO{text.X},{text.Y}^A0N,{text.Size},{text.Size}^FB{text.Width},1,0,L,0^FH^FD{Escape(text.Text)}^FS\n");
                    break;
            }
        }
        zpl.Append("^XZ\n");
        return zpl.ToString();
    }

    /// <summary>
    /// Field data with every byte outside letters, digits, space, '-' and '.' written as <c>_XX</c> (its UTF-8 byte
    /// in hex), which <c>^FH</c> turns back into the byte: no <c>^</c>, <c>~</c> or <c>_</c> reaches the printer's parser.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)' ' or (byte)'-' or (byte)'.')
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append(CultureInfo.InvariantCulture, $"_{b:X2}");
            }
        }
        return escaped.ToString();
    }
}
