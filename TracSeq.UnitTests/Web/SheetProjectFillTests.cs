extern alias web;
using System.Text;
using web::TracSeq.Web.Api;
using TracSeq.Templates.Submissions;
using WebSheetCell = web::TracSeq.Templates.Submissions.SheetCell;

namespace TracSeq.UnitTests.Web;

/// <summary>The project picker of Submit a sheet: the picked project fills the empty cells of the project column.</summary>
public sealed class SheetProjectFillTests
{
    private static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text);

    private static Sheet Read(SheetProjectFill.Filled filled) => SheetReader.Read(filled.Bytes, filled.FileName);

    [Fact]
    public void Empty_project_cells_get_the_picked_project_and_rows_that_name_one_keep_it()
    {
        var filled = SheetProjectFill.Fill(Csv("sample_name;sample_type;Project\nA;dna;\nB;rna;ONC-1\n"), "plate.csv", "Project", "LAB-7")!;

        filled.Cells.ShouldBe(1);
        filled.FileName.ShouldBe("plate.csv");
        var sheet = Read(filled);
        sheet.Headers.ShouldBe(["sample_name", "sample_type", "Project"]);
        sheet.Rows.Select(r => r[2].Text).ShouldBe(["LAB-7", "ONC-1"]);
    }

    [Fact]
    public void A_sheet_without_the_column_gets_it_after_every_other_cell_and_row_numbers_stay_as_the_user_sees_them()
    {
        // Row 3 is blank (skipped but counted), and row 4 has a value in a column without a header.
        var filled = SheetProjectFill.Fill(Csv("Sample Name,type\n\"A, the first\",dna\n,\nC,rna,stray\n"), "plate.csv", "project_code", "LAB-7")!;

        var sheet = Read(filled);
        sheet.Headers.ShouldBe(["Sample Name", "type", "", "project_code"]);
        sheet.Rows.Select(r => r.Number).ShouldBe([2, 4]);
        sheet.Rows[0][0].Text.ShouldBe("A, the first");
        sheet.Rows[1][2].Text.ShouldBe("stray");
        sheet.Rows.Select(r => r[3].Text).ShouldBe(["LAB-7", "LAB-7"]);
    }

    [Fact]
    public void Headers_match_as_templates_match_them_and_a_full_column_or_an_unreadable_file_is_left_alone()
    {
        SheetProjectFill.IndexOf(["Name", " Project_Code "], "projectcode").ShouldBe(1);
        SheetProjectFill.Fill(Csv("name,Project\nA,ONC-1\n"), "plate.csv", "Project", "LAB-7").ShouldBeNull();
        SheetProjectFill.Fill(Csv(""), "plate.csv", "Project", "LAB-7").ShouldBeNull();
    }

    [Fact]
    public void Workbook_numbers_are_written_in_plain_decimal_notation()
    {
        SheetProjectFill.TextOf(new WebSheetCell("1E-05", 0.00001)).ShouldBe("0.00001");
        SheetProjectFill.TextOf(new WebSheetCell("12", 12d)).ShouldBe("12");
        SheetProjectFill.TextOf(new WebSheetCell("2025-03-14", new DateTime(2025, 3, 14))).ShouldBe("2025-03-14");
    }
}
