using System.Text;
using ClosedXML.Excel;
using TracSeq.Templates.Submissions;

namespace TracSeq.UnitTests.Templates;

/// <summary>Reading lab files as they really come: encodings, delimiters, quoting, blank rows, workbooks.</summary>
public class SheetReaderTests
{
    static SheetReaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static Sheet Csv(string text, Encoding? encoding = null, string name = "plate.csv") =>
        SheetReader.Read((encoding ?? new UTF8Encoding(false)).GetBytes(text), name);

    [Fact]
    public void A_comma_separated_sheet_keeps_rows_numbered_as_the_user_sees_them()
    {
        var sheet = Csv("Name,Type\r\nA,dna\r\n\r\nB,rna\r\n,\r\n");

        sheet.Headers.ShouldBe(["Name", "Type"]);
        sheet.Rows.Select(r => (r.Number, r[0].Text, r[1].Text)).ShouldBe([(2, "A", "dna"), (4, "B", "rna")]);
    }

    [Fact]
    public void A_byte_order_mark_is_dropped_and_semicolons_are_detected()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Name;Conc\n\"Liver; left\";\"12,5\"\n")).ToArray();

        var sheet = SheetReader.Read(bytes, "plate.csv");

        sheet.Headers.ShouldBe(["Name", "Conc"]);
        (sheet.Rows[0][0].Text, sheet.Rows[0][1].Text).ShouldBe(("Liver; left", "12,5"));
    }

    [Theory]
    [InlineData("a,b;c\n", ',')]
    [InlineData("a;b;c,d\n", ';')]
    [InlineData("a\tb\tc\n", '\t')]
    [InlineData("\"a;b;c\",d\n", ',')] // delimiters inside quotes do not count
    public void The_delimiter_is_the_one_the_header_line_uses_most(string text, char delimiter) =>
        SheetReader.DetectDelimiter(text).ShouldBe(delimiter);

    [Fact]
    public void A_quoted_cell_may_hold_line_breaks_and_the_next_row_keeps_its_number()
    {
        var sheet = Csv("Name,Notes\nA,\"line one\nline two\"\nB,x\n");

        sheet.Rows[0][1].Text.ShouldBe("line one\nline two");
        sheet.Rows.Select(r => r.Number).ShouldBe([2, 3]);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_read_as_Windows_1252() =>
        Csv("Name,Unit\nA,µL\n", Encoding.GetEncoding(1252)).Rows[0][1].Text.ShouldBe("µL");

    [Fact]
    public void Short_rows_read_as_empty_trailing_cells_and_trailing_blank_headers_are_dropped()
    {
        var sheet = Csv("Name;Type;;\nA\n");

        sheet.Headers.ShouldBe(["Name", "Type"]);
        sheet.Rows[0][1].IsBlank.ShouldBeTrue();
    }

    [Theory]
    [InlineData("", "plate.csv", 400, "The file is empty.")]
    [InlineData("Name,Type\n", "plate.csv", 400, "The sheet has a header row but no samples below it.")]
    [InlineData("\n\nA,B\n", "plate.csv", 400, "The sheet has no header row: row 1 must hold the column names.")]
    [InlineData("Name\nA\n", "plate.pdf", 415, "'plate.pdf' is neither CSV nor XLSX: upload a .csv or .xlsx file.")]
    [InlineData("Name\nA\n", "plate.xlsx", 400, "'plate.xlsx' is not an Excel workbook: save it again from Excel as .xlsx, or as CSV.")]
    public void Unreadable_files_say_what_to_do(string text, string name, int status, string message)
    {
        var error = Should.Throw<UnreadableSheetException>(() => Csv(text, name: name));

        (error.StatusCode, error.Message).ShouldBe((status, message));
    }

    [Fact]
    public void Binary_data_named_csv_is_refused() =>
        Should.Throw<UnreadableSheetException>(() => SheetReader.Read([0x4E, 0x61, 0x00, 0x01, 0x02], "plate.csv")).StatusCode.ShouldBe(400);

    [Fact]
    public void A_workbook_keeps_typed_cells_and_a_workbook_named_csv_is_refused()
    {
        var bytes = Workbook();

        var sheet = SheetReader.Read(bytes, "plate.xlsx");

        sheet.Headers.ShouldBe(["Name", "Collected", "Volume", "Consent"]);
        var row = sheet.Rows.ShouldHaveSingleItem();
        row.Number.ShouldBe(2);
        (row[0].Text, row[1].Text, row[2].Text, row[3].Text).ShouldBe(("Liver", "2024-03-05", "12.5", "TRUE"));
        row[1].Typed.ShouldBe(new DateTime(2024, 3, 5));
        Should.Throw<UnreadableSheetException>(() => SheetReader.Read(bytes, "plate.csv")).Message.ShouldContain("is an Excel workbook");
    }

    private static byte[] Workbook()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Samples");
        sheet.Cell(1, 1).Value = "Name";
        sheet.Cell(1, 2).Value = "Collected";
        sheet.Cell(1, 3).Value = "Volume";
        sheet.Cell(1, 4).Value = "Consent";
        sheet.Cell(2, 1).Value = "Liver";
        sheet.Cell(2, 2).Value = new DateTime(2024, 3, 5);
        sheet.Cell(2, 3).Value = 12.5;
        sheet.Cell(2, 4).Value = true;
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }
}
