using SkiaSharp;

namespace TracSeq.Labels;

/// <summary>
/// A PNG of one label as a 300 dpi printer prints it, for the web's print dialog: drawn in-process (SkiaSharp with
/// its bundled native library), so production needs no external tool. A light frame shows the label's edge.
/// </summary>
public static class PngPreview
{
    public const int Dpi = 300;

    public static byte[] Render(LabelStock stock, LabelItem item)
    {
        var plan = LabelLayout.Plan(stock, item, Dpi, LabelFont.Width);
        using var bitmap = new SKBitmap(plan.Width, plan.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = false, Style = SKPaintStyle.Fill };
            foreach (var symbol in plan.Symbols)
            {
                for (var row = 0; row < symbol.Matrix.Height; row++)
                {
                    foreach (var (start, length) in Symbols.DarkRuns(symbol.Matrix, row))
                    {
                        canvas.DrawRect(symbol.X + start * symbol.Module, symbol.Y + row * symbol.RowHeight,
                            length * symbol.Module, symbol.RowHeight, ink);
                    }
                }
            }
            using var textInk = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            foreach (var text in plan.Texts)
            {
                using var font = new SKFont(LabelFont.Typeface, text.Size);
                canvas.DrawText(text.Text, text.X, (float)(text.Y + text.Size * LabelFont.Ascent), SKTextAlign.Left, font, textInk);
            }
            using var frame = new SKPaint { Color = new SKColor(0xC0, 0xC0, 0xC0), Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
            canvas.DrawRect(1, 1, plan.Width - 2, plan.Height - 2, frame);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
