extern alias web;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using web::TracSeq.Web.Api;
using web::TracSeq.Web.Components.Shared;

namespace TracSeq.UnitTests.Web;

public sealed class FieldEditorTests
{
    /// <summary>A context per test, disposed asynchronously (MudBlazor's popover services only dispose that way).</summary>
    private static BunitContext NewContext()
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Render<MudPopoverProvider>();
        return context;
    }

    private static IReadOnlyList<string> Labels(IRenderedComponent<FieldEditor> editor) =>
        [.. editor.FindAll("label").Select(l => l.TextContent.Trim()).Where(t => t.Length > 0)];

    [Fact]
    public async Task A_select_column_offers_options_and_no_range()
    {
        await using var context = NewContext();
        var editor = context.Render<FieldEditor>(p =>
            p.Add(f => f.Field, new TemplateField { Key = "Sample_Type", Type = "select", Options = ["dna", "rna"] }));

        Labels(editor).ShouldContain("Options (comma-separated)");
        Labels(editor).ShouldNotContain("Minimum");
        Labels(editor).ShouldNotContain("Pattern");
        editor.Find("input[value='dna, rna']").ShouldNotBeNull();
    }

    [Fact]
    public async Task A_number_column_offers_a_range_and_unit_and_says_when_the_minimum_is_above_the_maximum()
    {
        await using var context = NewContext();
        var editor = context.Render<FieldEditor>(p => p.Add(f => f.Field, new TemplateField { Key = "Volume", Type = "decimal", Min = 10, Max = 5 }));

        Labels(editor).ShouldContain("Minimum");
        Labels(editor).ShouldContain("Maximum");
        Labels(editor).ShouldContain("Unit");
        Labels(editor).ShouldNotContain("Options (comma-separated)");
        editor.Find("[role='alert']").TextContent.ShouldBe("The minimum (10) is above the maximum (5).");
    }

    [Fact]
    public async Task The_service_field_errors_appear_next_to_the_right_input()
    {
        await using var context = NewContext();
        var problem = Problem.FromJson(400, JsonSerializer.Serialize(new
        {
            title = "One or more validation errors occurred.",
            errors = new Dictionary<string, string[]> { ["fields[2].key"] = ["key must be unique."], ["fields[0].key"] = ["not this one"] },
        }));
        var editor = context.Render<FieldEditor>(p => p
            .Add(f => f.Field, new TemplateField { Key = "Donor", Type = "text" })
            .Add(f => f.Index, 2)
            .Add(f => f.Problem, problem));

        editor.Markup.ShouldContain("key must be unique.");
        editor.Markup.ShouldNotContain("not this one");
        editor.Find("legend").TextContent.ShouldBe("Column 3: Donor");
    }

    [Fact]
    public void Changing_the_type_drops_what_the_new_type_cannot_have()
    {
        var field = new TemplateField { Type = "select", Options = ["a"], Pattern = "x" };
        FieldRules.ChangeType(field, "decimal");
        (field.Options.Count, field.Pattern).ShouldBe((0, (string?)null));
        field.Min = 1;
        FieldRules.ChangeType(field, "text");
        field.Min.ShouldBeNull();
        FieldRules.ParseOptions(" dna, rna ,, dna,blood").ShouldBe(["dna", "rna", "blood"]);
    }
}
