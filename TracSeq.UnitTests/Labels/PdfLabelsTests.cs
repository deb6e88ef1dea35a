using TracSeq.Labels;

namespace TracSeq.UnitTests.Labels;

/// <summary>
/// The PDF as a printer and a scanner see it: pdfinfo counts the pages and measures them, pdffonts checks the font is
/// embedded, pdftoppm rasterises, and zbarimg and dmtxread must read back every barcode.
/// </summary>
public sealed class PdfLabelsTests : IDisposable
{
    private const double PointsPerMm = 72 / 25.4;
    private readonly IndependentReaders readers = new();

    public void Dispose() => readers.Dispose();

    [Fact]
    public void Cryo_tube_labels_are_one_page_each_at_the_stock_size_and_both_symbols_decode()
    {
        IReadOnlyList<LabelItem> items = [LabelSamples.Generated, LabelSamples.Client, LabelSamples.Short];
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.CryoTube, items, copies: 2), "pdf");

        var (pages, sizes) = readers.PdfInfo(pdf);
        pages.ShouldBe(6);
        sizes.ShouldAllBe(size => Math.Abs(size.Width - 38 * PointsPerMm) < 0.05 && Math.Abs(size.Height - 13 * PointsPerMm) < 0.05);
        var expected = items.SelectMany(item => new[] { item.Barcode, item.Barcode }).ToList();
        var pngs = readers.Rasterise(pdf, 600);
        pngs.Count.ShouldBe(6);
        for (var page = 0; page < pngs.Count; page++)
        {
            readers.Code128(pngs[page]).ShouldBe([expected[page]], $"page {page + 1}");
            if (page % 2 == 0) // the copy is the same page drawn again; one read of each label's Data Matrix is enough
            {
                readers.DataMatrix(pngs[page]).ShouldBe([expected[page]], $"page {page + 1}");
            }
        }
    }

    [Fact]
    public void A_tube_label_carries_the_Data_Matrix_alone()
    {
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.Tube15, [LabelSamples.Generated]), "pdf");

        var (pages, sizes) = readers.PdfInfo(pdf);
        pages.ShouldBe(1);
        sizes[0].Width.ShouldBe(25 * PointsPerMm, 0.05);
        var png = readers.Rasterise(pdf, 600).Single();
        readers.Code128(png).ShouldBeEmpty();
        readers.DataMatrix(png).ShouldBe([LabelSamples.Generated.Barcode]);
    }

    [Fact]
    public void A_plate_label_carries_both_symbols_even_for_the_longest_barcode()
    {
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.Plate, [LabelSamples.Generated, LabelSamples.Longest]), "pdf");

        var (pages, sizes) = readers.PdfInfo(pdf);
        pages.ShouldBe(2);
        sizes.ShouldAllBe(size => Math.Abs(size.Width - 76 * PointsPerMm) < 0.05);
        var pngs = readers.Rasterise(pdf, 600);
        readers.Code128(pngs[1]).ShouldBe([LabelSamples.Longest.Barcode]);
        readers.DataMatrix(pngs[1]).ShouldBe([LabelSamples.Longest.Barcode]);
    }

    [Fact]
    public void A_barcode_too_long_for_a_cryo_tube_Code_128_is_printed_as_Data_Matrix_only()
    {
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.CryoTube, [LabelSamples.Longest]), "pdf");

        var png = readers.Rasterise(pdf, 600).Single();
        readers.Code128(png).ShouldBeEmpty();
        readers.DataMatrix(png).ShouldBe([LabelSamples.Longest.Barcode]);
    }

    [Fact]
    public void The_font_is_embedded()
    {
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.CryoTube, [LabelSamples.Hostile[2]]), "pdf");

        var fonts = readers.PdfFonts(pdf).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        fonts.ShouldNotBeEmpty();
        foreach (var line in fonts)
        {
            line.ShouldContain("DejaVu Sans Condensed");
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            columns[columns.Length - 5].ShouldBe("yes", line); // the "emb" column
        }
    }

    [Fact]
    public void Sheet_labels_sit_in_their_cells_on_A4_row_by_row_and_a_second_page_takes_the_rest()
    {
        var items = Enumerable.Range(1, 70).Select(n => new LabelItem($"SHEET-{n:D4}", $"Sample {n}", "ONC-2025", LabelSamples.Day)).ToList();
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.A4Sheet, items), "pdf");

        var (pages, sizes) = readers.PdfInfo(pdf);
        pages.ShouldBe(2);
        sizes.ShouldAllBe(size => Math.Abs(size.Width - 595.28) < 0.05 && Math.Abs(size.Height - 841.89) < 0.05);
        var sheet = LabelStocks.A4Sheet.Sheet!;
        // The corners and the middle of page 1, and the five labels on page 2: each cell holds its own label.
        foreach (var index in new[] { 0, 4, 32, 60, 64, 65, 69 })
        {
            var (x, y) = sheet.Origin(index % sheet.PerPage);
            const int dpi = 600;
            int Pixels(double mm) => (int)Math.Round(mm / 25.4 * dpi);
            var cell = readers.Rasterise(pdf, dpi, page: index / sheet.PerPage + 1,
                crop: (Pixels(x), Pixels(y), Pixels(LabelStocks.A4Sheet.WidthMm), Pixels(LabelStocks.A4Sheet.HeightMm))).Single();
            readers.Code128(cell).ShouldBe([items[index].Barcode], $"label {index + 1}");
            readers.DataMatrix(cell).ShouldBe([items[index].Barcode], $"label {index + 1}");
        }
    }

    [Fact]
    public void The_sheet_positions_are_the_65_up_A4_grid()
    {
        var sheet = LabelStocks.A4Sheet.Sheet!;

        sheet.PerPage.ShouldBe(65);
        sheet.Origin(0).ShouldBe((4.7, 10.7));
        sheet.Origin(4).XMm.ShouldBe(4.7 + 4 * 40.6, 1e-9);
        sheet.Origin(5).ShouldBe((4.7, 10.7 + 21.2));
        var last = sheet.Origin(64);
        (last.XMm + LabelStocks.A4Sheet.WidthMm).ShouldBeLessThanOrEqualTo(sheet.PageWidthMm);
        (last.YMm + LabelStocks.A4Sheet.HeightMm).ShouldBeLessThanOrEqualTo(sheet.PageHeightMm);
    }

    [Fact]
    public void Hostile_names_still_print_labels_whose_symbols_decode()
    {
        var pdf = readers.Save(PdfLabels.Render(LabelStocks.CryoTube, LabelSamples.Hostile), "pdf");

        readers.PdfInfo(pdf).Pages.ShouldBe(LabelSamples.Hostile.Count);
        var pngs = readers.Rasterise(pdf, 600);
        for (var page = 0; page < pngs.Count; page++)
        {
            readers.Code128(pngs[page]).ShouldBe([LabelSamples.Hostile[page].Barcode]);
            readers.DataMatrix(pngs[page]).ShouldBe([LabelSamples.Hostile[page].Barcode]);
        }
    }

    [Fact]
    public void The_preview_is_a_png_both_readers_decode()
    {
        var png = readers.Save(PngPreview.Render(LabelStocks.CryoTube, LabelSamples.Generated), "png");

        readers.Code128(png).ShouldBe([LabelSamples.Generated.Barcode]);
        readers.DataMatrix(png, shrink: 1).ShouldBe([LabelSamples.Generated.Barcode]); // drawn at 300 dpi
    }
}
