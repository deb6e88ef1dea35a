using System.Globalization;
using System.Text;
using SkiaSharp;

namespace TracSeq.Labels;

/// <summary>
/// The one font of every label (DejaVu Sans Condensed, shipped inside this assembly under its own free licence, see
/// Fonts/DejaVu-LICENSE.txt): the PDF embeds it, the preview draws with it, and text is measured with it, so what is
/// measured is what is printed.
/// </summary>
public static class LabelFont
{
    public const string Family = "DejaVu Sans Condensed";

    /// <summary>Where the baseline sits below the top of a line, and a line's height, in em.</summary>
    public const double Ascent = 0.93;
    public const double LineHeight = 1.2;

    private static readonly Lazy<byte[]> FontBytes = new(() =>
    {
        using var stream = typeof(LabelFont).Assembly.GetManifestResourceStream("TracSeq.Labels.DejaVuSansCondensed.ttf")
            ?? throw new InvalidOperationException("The label font is not embedded in TracSeq.Labels.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private static readonly Lazy<SKTypeface> Face = new(() =>
        SKTypeface.FromData(SKData.CreateCopy(FontBytes.Value)) ?? throw new InvalidOperationException("The label font does not load."));

    private static readonly Lock MeasureLock = new();
    private static readonly SKFont MeasureFont = new(Face.Value, 100);

    public static byte[] Bytes => FontBytes.Value;

    public static SKTypeface Typeface => Face.Value;

    /// <summary>The width of <paramref name="text"/> set at <paramref name="size"/> (any unit: the result is in the same).</summary>
    public static double Width(string text, double size)
    {
        lock (MeasureLock)
        {
            return MeasureFont.MeasureText(text) / 100.0 * size;
        }
    }

    /// <summary>Whether the font draws this code point (anything else would print as an empty box).</summary>
    public static bool Draws(int codePoint)
    {
        lock (MeasureLock)
        {
            return MeasureFont.GetGlyph(codePoint) != 0;
        }
    }
}

/// <summary>
/// What user text becomes before it is measured or printed: one line, only characters the font draws, and at most
/// <see cref="MaxChars"/> of them (no label shows more), so a 500-character name, emoji, direction marks or control
/// characters can neither break the layout nor cost more than a label's worth of work.
/// </summary>
public static class LabelText
{
    public const int MaxChars = 120;
    public const string Ellipsis = "…";

    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var builder = new StringBuilder(Math.Min(text.Length, MaxChars));
        var lastWasSpace = true;
        foreach (var rune in text.EnumerateRunes())
        {
            if (builder.Length >= MaxChars)
            {
                break;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Surrogate)
            {
                continue; // direction marks, joiners, variation selectors, combining marks on emoji
            }
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                }
                lastWasSpace = true;
                continue;
            }
            // Outside the Basic Multilingual Plane (emoji mostly) or not in the font: a visible stand-in.
            builder.Append(rune.IsBmp && LabelFont.Draws(rune.Value) ? rune.ToString() : "?");
            lastWasSpace = false;
        }
        return builder.ToString().TrimEnd();
    }

    /// <summary>
    /// <paramref name="text"/> (already clean) as it fits <paramref name="width"/>: whole, or its longest prefix
    /// followed by an ellipsis, or nothing; in the order it is drawn (<see cref="VisualOrder"/>: right-to-left text
    /// reordered, Arabic joined). <paramref name="measure"/> gives a string's width.
    /// </summary>
    public static string Fit(string text, double width, Func<string, double> measure)
    {
        var whole = VisualOrder.Of(text);
        if (measure(whole) <= width)
        {
            return whole;
        }
        // Binary search over whole characters: at most log2(MaxChars) measurements.
        int low = 0, high = text.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (measure(VisualOrder.Of(Prefix(text, mid) + Ellipsis)) <= width)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        if (low == 0)
        {
            return measure(Ellipsis) <= width ? Ellipsis : "";
        }
        return VisualOrder.Of(Prefix(text, low) + Ellipsis);
    }

    private static string Prefix(string text, int length) =>
        (char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length]).TrimEnd();
}
