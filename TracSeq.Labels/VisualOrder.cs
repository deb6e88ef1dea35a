namespace TracSeq.Labels;

/// <summary>
/// Hebrew and Arabic as a label must show them. PDFsharp, SkiaSharp without a shaper and a Zebra printer (without
/// <c>^PA</c>) draw characters left to right exactly as given, so a line is handed over in visual order, with Arabic
/// letters in their joined forms (Arabic Presentation Forms-B, which the label font carries). A label line is one short
/// line with no direction marks (<see cref="LabelText.Clean"/> drops them), so the Unicode Bidirectional Algorithm
/// (UAX #9) reduces to its implicit rules: W7, N1–N2, I1–I2, L2 and L4 for brackets.
/// </summary>
public static class VisualOrder
{
    private enum Kind { Left, Right, Number, Neutral }

    /// <summary><paramref name="line"/> (logical order, already clean) shaped and reordered for drawing left to right.</summary>
    public static string Of(string line)
    {
        if (!line.Any(IsRightToLeft))
        {
            return line; // nearly every label: nothing to do, and no allocation
        }
        var shaped = ArabicJoining.Shape(line);
        var levels = Levels(shaped);
        var visual = shaped.ToCharArray();
        for (var i = 0; i < visual.Length; i++)
        {
            visual[i] = levels[i] % 2 == 1 ? Mirror(visual[i]) : visual[i]; // L4: "(" reads ")" right to left
        }
        Reverse(visual, levels);
        return new string(visual);
    }

    private static bool IsRightToLeft(char c) =>
        c is (>= '\u0590' and <= '\u08FF') or (>= '\uFB1D' and <= '\uFDFF') or (>= '\uFE70' and <= '\uFEFF');

    private static Kind KindOf(char c) => c switch
    {
        >= '0' and <= '9' or (>= '\u0660' and <= '\u0669') or (>= '\u06F0' and <= '\u06F9') => Kind.Number,
        _ when IsRightToLeft(c) && (char.IsLetter(c) || c == '\u0640') => Kind.Right,
        _ when char.IsLetter(c) => Kind.Left,
        _ => Kind.Neutral,
    };

    /// <summary>The embedding level of every character: 0 or 1 for the paragraph, 1 or 2 inside it.</summary>
    private static int[] Levels(string line)
    {
        var kinds = line.Select(KindOf).ToArray();
        var firstStrong = kinds.FirstOrDefault(k => k is Kind.Left or Kind.Right, Kind.Left);
        var paragraph = firstStrong == Kind.Right ? 1 : 0;
        var edge = paragraph == 1 ? Kind.Right : Kind.Left;
        ResolveNumbers(kinds, edge);
        ResolveNeutrals(kinds, edge);

        // I1–I2.
        return [.. kinds.Select(k => (paragraph, k) switch
        {
            (0, Kind.Left) => 0,
            (0, Kind.Right) => 1,
            (0, _) => 2,
            (_, Kind.Right) => 1,
            _ => 2,
        })];
    }

    /// <summary>W7: a number after a left-to-right letter (or at the start of a left-to-right line) is left-to-right text.</summary>
    private static void ResolveNumbers(Kind[] kinds, Kind paragraphDirection)
    {
        var lastStrong = paragraphDirection;
        for (var i = 0; i < kinds.Length; i++)
        {
            if (kinds[i] is Kind.Left or Kind.Right)
            {
                lastStrong = kinds[i];
            }
            else if (kinds[i] == Kind.Number && lastStrong == Kind.Left)
            {
                kinds[i] = Kind.Left;
            }
        }
    }

    /// <summary>N1–N2: neutrals take the direction of both sides when they agree (numbers count as right to left), else the line's.</summary>
    private static void ResolveNeutrals(Kind[] kinds, Kind edge)
    {
        for (var i = 0; i < kinds.Length;)
        {
            if (kinds[i] != Kind.Neutral)
            {
                i++;
                continue;
            }
            var end = i;
            while (end < kinds.Length && kinds[end] == Kind.Neutral)
            {
                end++;
            }
            var before = i == 0 ? edge : Direction(kinds[i - 1]);
            var after = end == kinds.Length ? edge : Direction(kinds[end]);
            var resolved = before == after ? before : edge;
            Array.Fill(kinds, resolved, i, end - i);
            i = end;
        }
    }

    private static Kind Direction(Kind kind) => kind == Kind.Number ? Kind.Right : kind;

    /// <summary>L2: from the highest level down to 1, every run at that level or above is reversed.</summary>
    private static void Reverse(char[] text, int[] levels)
    {
        for (var level = levels.Max(); level >= 1; level--)
        {
            for (var i = 0; i < text.Length;)
            {
                if (levels[i] < level)
                {
                    i++;
                    continue;
                }
                var end = i;
                while (end < text.Length && levels[end] >= level)
                {
                    end++;
                }
                Array.Reverse(text, i, end - i);
                Array.Reverse(levels, i, end - i);
                i = end;
            }
        }
    }

    private static char Mirror(char c) => c switch
    {
        '(' => ')', ')' => '(', '[' => ']', ']' => '[', '{' => '}', '}' => '{', '<' => '>', '>' => '<', '«' => '»', '»' => '«',
        _ => c,
    };
}

/// <summary>
/// Arabic letters in the form their neighbours call for (isolated, final, initial, medial) and lam with alef as one
/// ligature, from the Arabic Presentation Forms-B block, whose layout follows the base letters' order.
/// </summary>
internal static class ArabicJoining
{
    // Each base letter from U+0621, with how many forms it has in the block: 1 (hamza, joins nothing), 2 (joins only the
    // letter before it: isolated, final) or 4 (joins both sides: isolated, final, initial, medial). 0: not in the block.
    private static readonly (char Letter, int Forms)[] Letters =
    [
        ('\u0621', 1), ('\u0622', 2), ('\u0623', 2), ('\u0624', 2), ('\u0625', 2), ('\u0626', 4), ('\u0627', 2), ('\u0628', 4),
        ('\u0629', 2), ('\u062A', 4), ('\u062B', 4), ('\u062C', 4), ('\u062D', 4), ('\u062E', 4), ('\u062F', 2), ('\u0630', 2),
        ('\u0631', 2), ('\u0632', 2), ('\u0633', 4), ('\u0634', 4), ('\u0635', 4), ('\u0636', 4), ('\u0637', 4), ('\u0638', 4),
        ('\u0639', 4), ('\u063A', 4), ('\u0641', 4), ('\u0642', 4), ('\u0643', 4), ('\u0644', 4), ('\u0645', 4), ('\u0646', 4),
        ('\u0647', 4), ('\u0648', 2), ('\u0649', 2), ('\u064A', 4),
    ];

    private static readonly Dictionary<char, (char First, int Forms)> Forms = Table();
    private const char Lam = '\u0644';
    private const char Tatweel = '\u0640'; // the joining stroke: joins both sides, has no forms of its own

    // Lam followed by one of these alefs is a single ligature: its isolated form, the final one is the next code point.
    private static readonly Dictionary<char, char> LamAlef = new()
    {
        ['\u0622'] = '\uFEF5', ['\u0623'] = '\uFEF7', ['\u0625'] = '\uFEF9', ['\u0627'] = '\uFEFB',
    };

    private static Dictionary<char, (char, int)> Table()
    {
        var table = new Dictionary<char, (char, int)>();
        var next = '\uFE80';
        foreach (var (letter, forms) in Letters)
        {
            table[letter] = (next, forms);
            next = (char)(next + forms);
        }
        return table;
    }

    private static bool JoinsNext(char c) => c == Tatweel || (Forms.TryGetValue(c, out var f) && f.Forms == 4);

    private static bool JoinsPrevious(char c) => c == Tatweel || (Forms.TryGetValue(c, out var f) && f.Forms >= 2);

    public static string Shape(string text)
    {
        var shaped = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!Forms.TryGetValue(c, out var form))
            {
                shaped.Append(c);
                continue;
            }
            var joinedBefore = i > 0 && JoinsNext(text[i - 1]);
            if (c == Lam && i + 1 < text.Length && LamAlef.TryGetValue(text[i + 1], out var ligature))
            {
                shaped.Append(joinedBefore ? (char)(ligature + 1) : ligature);
                i++; // the alef is inside the ligature
                continue;
            }
            var joinedAfter = form.Forms == 4 && i + 1 < text.Length && JoinsPrevious(text[i + 1]);
            var offset = (joinedBefore && form.Forms >= 2, joinedAfter) switch
            {
                (true, true) => 3,   // medial
                (false, true) => 2,  // initial
                (true, false) => 1,  // final
                _ => 0,              // isolated
            };
            shaped.Append((char)(form.First + offset));
        }
        return shaped.ToString();
    }
}
