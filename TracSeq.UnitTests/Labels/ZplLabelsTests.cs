using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TracSeq.Labels;

namespace TracSeq.UnitTests.Labels;

/// <summary>
/// The ZPL read back as a printer would parse it: blocks between ^XA and ^XZ, commands split at '^' and '~', field
/// data turned back from ^FH hex. A name must come back as printed text, never as a command.
/// </summary>
public sealed partial class ZplLabelsTests
{
    private sealed record Field(string Command, string Data);

    /// <summary>The commands of a ZPL stream, as a printer's parser meets them: every '^' or '~' starts one.</summary>
    private static List<string> Commands(string zpl) =>
        [.. CommandStart().Split(zpl).Where(c => c.Length > 0).Select(c => c.Trim())];

    private static List<List<string>> Blocks(string zpl)
    {
        var blocks = new List<List<string>>();
        List<string>? current = null;
        foreach (var command in Commands(zpl))
        {
            if (command == "^XA")
            {
                current.ShouldBeNull("a label starts inside another");
                current = [];
            }
            else if (command == "^XZ")
            {
                blocks.Add(current.ShouldNotBeNull("a label ends that never started"));
                current = null;
            }
            else
            {
                current.ShouldNotBeNull($"a command outside a label: {command}").Add(command);
            }
        }
        current.ShouldBeNull("the last label is not closed");
        return blocks;
    }

    /// <summary>Each ^FD's data with the field command before it (^BC, ^BX or ^A0), unescaped as ^FH says.</summary>
    private static List<Field> Fields(List<string> block)
    {
        var fields = new List<Field>();
        for (var i = 0; i < block.Count; i++)
        {
            if (block[i].StartsWith("^FD", StringComparison.Ordinal))
            {
                block[i - 1].ShouldBe("^FH", "every field is hex-escaped");
                var kind = block.Take(i).Last(c =>
                    c.StartsWith("^BC", StringComparison.Ordinal) ||
                    c.StartsWith("^BX", StringComparison.Ordinal) ||
                    c.StartsWith("^A0", StringComparison.Ordinal));
                fields.Add(new Field(kind[..3], Unhex(block[i][3..])));
            }
        }
        return fields;
    }

    private static string Unhex(string data)
    {
        data.ShouldMatch(@"\A[A-Za-z0-9 .\-_]*\z");
        var bytes = new List<byte>();
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '_')
            {
                bytes.Add(byte.Parse(data.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.Add((byte)data[i]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static int Value(List<string> block, string command) =>
        int.Parse(block.Single(c => c.StartsWith(command, StringComparison.Ordinal))[command.Length..], CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("cryo-tube", 203)]
    [InlineData("cryo-tube", 300)]
    [InlineData("tube-1.5ml", 203)]
    [InlineData("tube-1.5ml", 300)]
    [InlineData("plate", 203)]
    [InlineData("plate", 300)]
    public void Each_label_is_one_block_at_the_stock_size_for_the_resolution(string stockName, int dpi)
    {
        var stock = LabelStocks.Find(stockName)!;
        IReadOnlyList<LabelItem> items = [LabelSamples.Generated, LabelSamples.Short];

        var blocks = Blocks(ZplLabels.Render(stock, items, copies: 2, dpi));

        blocks.Count.ShouldBe(4);
        foreach (var block in blocks)
        {
            Value(block, "^PW").ShouldBe((int)Math.Round(stock.WidthMm * dpi / 25.4));
            Value(block, "^LL").ShouldBe((int)Math.Round(stock.HeightMm * dpi / 25.4));
            block.ShouldContain("^CI28");
        }
        for (var i = 0; i < blocks.Count; i++)
        {
            var fields = Fields(blocks[i]);
            var item = items[i / 2];
            fields.Where(f => f.Command == "^BX").Select(f => f.Data).ShouldBe([item.Barcode]);
            fields.Where(f => f.Command == "^A0").Select(f => f.Data).First().ShouldBe(item.Barcode);
            var name = fields.Where(f => f.Command == "^A0").Select(f => f.Data).ElementAt(1);
            // Whole, or shortened to fit the narrow tube: a prefix of the name and an ellipsis.
            (name == item.Name || (name.EndsWith(LabelText.Ellipsis, StringComparison.Ordinal) && item.Name.StartsWith(name[..^1], StringComparison.Ordinal)))
                .ShouldBeTrue(name);
        }
    }

    [Fact]
    public void Code_128_is_printed_where_it_fits_at_one_dot_a_module()
    {
        // At 203 dpi a cryo tube's 288 dots take a short barcode's Code 128, not a generated one's (231 modules with
        // the quiet zones is fine, the check is that the symbol and its quiet zones stay on the label).
        foreach (var (stock, dpi) in new[] { (LabelStocks.CryoTube, 203), (LabelStocks.CryoTube, 300), (LabelStocks.Plate, 203) })
        {
            var block = Blocks(ZplLabels.Render(stock, [LabelSamples.Short], 1, dpi)).Single();
            Fields(block).Where(f => f.Command == "^BC").Select(f => f.Data).ShouldBe([LabelSamples.Short.Barcode]);
        }
        Blocks(ZplLabels.Render(LabelStocks.Tube15, [LabelSamples.Short], 1, 300))
            .Single()
            .ShouldNotContain(c => c.StartsWith("^BC", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_full_of_ZPL_commands_stay_text_and_cannot_end_or_start_a_label()
    {
        var zpl = ZplLabels.Render(LabelStocks.CryoTube, LabelSamples.Hostile, copies: 1, dpi: 203);

        var blocks = Blocks(zpl);
        blocks.Count.ShouldBe(LabelSamples.Hostile.Count);
        Commands(zpl).Count(c => c == "^XA").ShouldBe(LabelSamples.Hostile.Count);
        Commands(zpl).ShouldNotContain(c => c.StartsWith('~'));
        var injected = Fields(blocks[3]).Where(f => f.Command == "^A0").Select(f => f.Data).ToList();
        injected[1].ShouldStartWith("^XZ^XA^FO0,0^FDinjected");
        injected[2].ShouldStartWith("^XZ~PS");
    }

    [Fact]
    public void Escaping_writes_every_byte_but_plain_letters_digits_and_spaces_as_hex()
    {
        ZplLabels.Escape("A-1 b.c").ShouldBe("A-1 b.c");
        ZplLabels.Escape("^XZ~JA_").ShouldBe("_5EXZ_7EJA_5F");
        ZplLabels.Escape("é").ShouldBe("_C3_A9");
    }

    [Fact]
    public void A_sheet_stock_is_not_written_as_ZPL_nor_a_resolution_a_printer_lacks()
    {
        Should.Throw<ArgumentException>(() => ZplLabels.Render(LabelStocks.A4Sheet, [LabelSamples.Generated], 1, 203));
        Should.Throw<ArgumentOutOfRangeException>(() => ZplLabels.Render(LabelStocks.CryoTube, [LabelSamples.Generated], 1, 600));
    }

    [GeneratedRegex(@"(?=[\^~])")]
    private static partial Regex CommandStart();
}
