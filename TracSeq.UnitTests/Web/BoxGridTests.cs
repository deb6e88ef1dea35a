extern alias web;
using Bunit;
using web::TracSeq.Web.Api;
using web::TracSeq.Web.Components.Shared;

namespace TracSeq.UnitTests.Web;

public sealed class BoxGridTests : BunitContext
{
    private static StoredSample Stored(string barcode, string position) =>
        new(Guid.NewGuid(), barcode, "a sample", "dna", "in_storage", position);

    [Fact]
    public void Rows_are_letters_columns_are_numbers_and_occupied_positions_show_their_barcode()
    {
        var a1 = Stored("TS-DNA-250101-00001", "A1");
        var grid = Render<BoxGrid>(p => p
            .Add(g => g.Rows, 3).Add(g => g.Columns, 4)
            .Add(g => g.Contents, [a1, Stored("TS-DNA-250101-00002", "b03")]));

        grid.FindAll("thead th").Select(th => th.TextContent).ShouldBe(["1", "2", "3", "4"]);
        grid.FindAll("tbody th").Select(th => th.TextContent).ShouldBe(["A", "B", "C"]);
        grid.FindAll("tbody td").Count.ShouldBe(12);
        var occupied = grid.Find("td[data-position='A1'] a");
        (occupied.TextContent, occupied.GetAttribute("href")).ShouldBe((a1.Barcode, $"/samples/{a1.Id}"));
        grid.Find("td[data-position='B3']").TextContent.Trim().ShouldBe("TS-DNA-250101-00002"); // "b03" is B3
        grid.FindAll("td.occupied").Count.ShouldBe(2);
        grid.FindAll("td button").Count.ShouldBe(10); // every free position is a button
    }

    [Fact]
    public void A_sample_of_another_project_is_an_occupied_position_with_nothing_to_follow()
    {
        var grid = Render<BoxGrid>(p => p
            .Add(g => g.Rows, 1).Add(g => g.Columns, 2)
            .Add(g => g.Contents, [new StoredSample(null, null, null, null, null, "A2")]));

        var hidden = grid.Find("td[data-position='A2']");
        hidden.ClassList.ShouldContain("occupied");
        hidden.TextContent.Trim().ShouldBe("Occupied");
        hidden.QuerySelectorAll("a, button").Length.ShouldBe(0); // no link, and not offered as free
        grid.FindAll("td button").Count.ShouldBe(1);
    }

    [Fact]
    public void Clicking_a_free_position_selects_it_and_clicking_it_again_clears_the_choice()
    {
        string? selected = null;
        var grid = Render<BoxGrid>(p => p
            .Add(g => g.Rows, 2).Add(g => g.Columns, 2)
            .Add(g => g.SelectedChanged, (string value) => selected = value));

        grid.Find("td[data-position='B2'] button").Click();
        selected.ShouldBe("B2");

        grid.Render(p => p.Add(g => g.Selected, "B2"));
        grid.Find("td[data-position='B2']").ClassList.ShouldContain("selected");
        grid.Find("td[data-position='B2'] button").GetAttribute("aria-pressed").ShouldBe("true");
        grid.Find("td[data-position='B2'] button").Click();
        selected.ShouldBeNull();
    }

    [Theory]
    [InlineData("b07", "B7")]
    [InlineData("B7", "B7")]
    [InlineData(" c12 ", "C12")]
    public void Positions_are_read_as_the_lab_writes_them(string written, string expected) =>
        BoxPositions.Normalize(written).ShouldBe(expected);
}
