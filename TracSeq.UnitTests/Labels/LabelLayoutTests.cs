using TracSeq.Labels;

namespace TracSeq.UnitTests.Labels;

/// <summary>The layout's promises for every stock, resolution and hostile name: nothing leaves the label or overlaps.</summary>
public sealed class LabelLayoutTests
{
    public static TheoryData<string, int> StocksAndResolutions()
    {
        var data = new TheoryData<string, int>();
        foreach (var stock in LabelStocks.All)
        {
            foreach (var dpi in new[] { 203, 300 })
            {
                data.Add(stock.Name, dpi);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(StocksAndResolutions))]
    public void Every_element_stays_inside_the_label_and_text_never_overlaps_a_symbol(string stockName, int dpi)
    {
        var stock = LabelStocks.Find(stockName)!;
        foreach (var item in LabelSamples.Hostile.Append(LabelSamples.Generated).Append(LabelSamples.Longest))
        {
            var plan = LabelLayout.Plan(stock, item, dpi, LabelFont.Width);

            plan.Symbols.ShouldContain(s => s.Symbology == Symbologies.DataMatrix);
            foreach (var symbol in plan.Symbols)
            {
                symbol.X.ShouldBeGreaterThan(0);
                symbol.Y.ShouldBeGreaterThan(0);
                (symbol.X + symbol.Width).ShouldBeLessThan(plan.Width);
                (symbol.Y + symbol.Height).ShouldBeLessThan(plan.Height);
            }
            var bars = plan.Symbols.SingleOrDefault(s => s.Symbology == Symbologies.Code128);
            if (bars is not null)
            {
                (bars.X - Symbols.Code128QuietModules * bars.Module).ShouldBeGreaterThanOrEqualTo(0, "quiet zone");
                (bars.X + bars.Width + Symbols.Code128QuietModules * bars.Module).ShouldBeLessThanOrEqualTo(plan.Width, "quiet zone");
            }
            var matrix = plan.Symbols.Single(s => s.Symbology == Symbologies.DataMatrix);
            plan.Texts.Count().ShouldBe(3);
            foreach (var text in plan.Texts)
            {
                text.X.ShouldBeGreaterThanOrEqualTo(matrix.X + matrix.Width + matrix.Module);
                LabelFont.Width(text.Text, text.Size).ShouldBeLessThanOrEqualTo(text.Width);
                (text.X + text.Width).ShouldBeLessThanOrEqualTo(plan.Width);
                (text.Y + text.Size * LabelFont.LineHeight).ShouldBeLessThanOrEqualTo(plan.Height);
                text.Size.ShouldBeGreaterThan(0);
                if (bars is not null)
                {
                    text.Y.ShouldBeGreaterThanOrEqualTo(bars.Y + bars.Height);
                }
            }
        }
    }

    [Fact]
    public void A_long_name_is_shortened_with_an_ellipsis_and_a_short_one_is_whole()
    {
        var plan = LabelLayout.Plan(LabelStocks.CryoTube, LabelSamples.Hostile[0], 300, LabelFont.Width);
        var name = plan.Texts.Single(t => t.Field == "name").Text;
        name.ShouldEndWith(LabelText.Ellipsis);
        LabelSamples.LongName.ShouldStartWith(name[..^1].TrimEnd());

        var whole = LabelLayout.Plan(LabelStocks.Plate, LabelSamples.Generated, 300, LabelFont.Width);
        whole.Texts.Select(t => t.Text).ShouldBe(["TS-DNA-261207-00017", "Liver biopsy 12", "ONC-2025 · 2026-12-07"]);
        LabelLayout.Plan(LabelStocks.Plate, LabelSamples.Short, 300, LabelFont.Width).Texts.Last().Text.ShouldBe("H12 · CARD-7 · 2026-12-07");
    }

    [Theory]
    [MemberData(nameof(StocksAndResolutions))]
    public void The_date_and_the_position_stay_whole_and_a_long_project_gives_way(string stockName, int dpi)
    {
        var item = new LabelItem("TS-DNA-261207-00017", "Liver biopsy 12", "A-VERY-LONG-PROJECT-CODE-OF-A-GROUP", new DateOnly(2026, 12, 7), "H12");

        var details = LabelLayout.Plan(LabelStocks.Find(stockName)!, item, dpi, LabelFont.Width).Texts.Single(t => t.Field == "details").Text;

        details.ShouldStartWith("H12 · ");
        details.ShouldEndWith("2026-12-07");
    }

    [Fact]
    public void Clean_text_is_one_line_of_characters_the_font_draws_and_bounded()
    {
        LabelText.Clean("Sample 🧬 ok").ShouldBe("Sample ? ok");
        LabelText.Clean("a\tb\nc\r\u0000d").ShouldBe("a b c d");
        LabelText.Clean("\u202Eevil\u200B").ShouldBe("evil");
        LabelText.Clean("דגימה").ShouldBe("דגימה");
        LabelText.Clean(new string('x', 10_000)).Length.ShouldBe(LabelText.MaxChars);
        LabelText.Clean(null).ShouldBe("");
    }

    [Fact]
    public void Fit_keeps_what_fits_and_marks_what_it_cut()
    {
        static double Measure(string s) => s.Length;

        LabelText.Fit("abcdef", 6, Measure).ShouldBe("abcdef");
        LabelText.Fit("abcdef", 4, Measure).ShouldBe("abc…");
        LabelText.Fit("abcdef", 1, Measure).ShouldBe("…");
        LabelText.Fit("abcdef", 0, Measure).ShouldBe("");
    }

    [Fact]
    public void The_stocks_are_the_ones_the_issue_names()
    {
        LabelStocks.All.Select(s => s.Name).ShouldBe(["cryo-tube", "tube-1.5ml", "plate", "a4-sheet"]);
        LabelStocks.Tube15.Symbologies.ShouldBe([Symbologies.DataMatrix]);
        LabelStocks.A4Sheet.Formats.ShouldBe([LabelFormats.Pdf]);
        LabelStocks.Find("nope").ShouldBeNull();
    }
}
