extern alias web;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using web::TracSeq.Templates.Submissions;
using web::TracSeq.Web.Api;
using web::TracSeq.Web.Components.Shared;

namespace TracSeq.UnitTests.Web;

public sealed class SheetErrorsTests : BunitContext
{
    public SheetErrorsTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static Sheet Sheet(int rows) => new(
        ["Sample_Name", "Volume_uL", "Project"],
        [.. Enumerable.Range(2, rows).Select(n => new SheetRow(n, [new SheetCell($"S{n}"), new SheetCell("25"), new SheetCell("ABC-123")]))]);

    [Fact]
    public void Errors_appear_as_a_table_and_as_highlighted_cells_of_the_sheet()
    {
        SubmissionError[] errors =
        [
            new(3, "Volume_uL", "900", "Volume_uL must be at most 500."),
            new(5, "project", "oncology", "Project does not match the pattern."), // columns match ignoring case
        ];
        var view = Render<SheetErrors>(p => p.Add(s => s.Errors, errors).Add(s => s.Sheet, Sheet(5)));

        var table = view.FindAll("[data-testid='error-table'] tbody tr").Select(r => r.Children.Select(c => c.TextContent).ToArray()).ToList();
        table.Count.ShouldBe(2);
        table[0].ShouldBe(["3", "Volume_uL", "900", "Volume_uL must be at most 500."]);
        var bad = view.FindAll("[data-testid='error-sheet'] td.bad");
        bad.Select(c => (c.GetAttribute("data-row"), c.GetAttribute("data-column"))).ShouldBe([("3", "Volume_uL"), ("5", "Project")]);
        bad[0].GetAttribute("title").ShouldBe("Volume_uL must be at most 500.");
        view.FindAll("[data-testid='error-sheet'] tbody tr").Count.ShouldBe(5); // a small sheet is shown whole
    }

    [Fact]
    public void A_missing_column_marks_the_header_row_and_a_big_sheet_shows_only_rows_with_errors()
    {
        SubmissionError[] errors = [new(1, "Project", null, "The required column Project is missing."), new(150, "Volume_uL", "-1", "Too small.")];
        var view = Render<SheetErrors>(p => p.Add(s => s.Errors, errors).Add(s => s.Sheet, Sheet(300)));

        view.FindAll("[data-testid='error-sheet'] thead th.bad").Select(h => h.TextContent).ShouldBe(["Project"]);
        view.FindAll("[data-testid='error-sheet'] tbody tr").Select(r => r.Children[0].TextContent).ShouldBe(["150"]);
    }

    [Fact]
    public void Without_the_file_the_table_alone_is_shown()
    {
        var view = Render<SheetErrors>(p => p.Add(s => s.Errors, [new SubmissionError(2, "Volume_uL", "x", "Not a number.")]).Add(s => s.Omitted, 4));

        view.FindAll("[data-testid='error-sheet']").ShouldBeEmpty();
        view.Markup.ShouldContain("Errors (1, and 4 more not listed)");
    }
}
