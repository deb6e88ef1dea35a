using System.Text;
using TracSeq.Templates.Templates;

namespace TracSeq.UnitTests.Templates;

/// <summary>The blank CSV sheet (the XLSX one, slow to build, is checked end to end through the gateway).</summary>
public class BlankSheetTests
{
    private static Template Plate()
    {
        var template = new Template { Id = Guid.NewGuid(), Name = "Plate", Status = TemplateStatus.Published, Version = 2 };
        template.Fields.Add(new TemplateField { Position = 0, Key = "Sample_Name", Type = FieldTypes.Text, Required = true, MapsTo = "name" });
        template.Fields.Add(new TemplateField
        {
            Position = 1, Key = "Type", Type = FieldTypes.Select, Required = true, MapsTo = "sampleType", Options = ["dna", "rna"],
        });
        template.Fields.Add(new TemplateField { Position = 2, Key = "Collected", Type = FieldTypes.Date, MapsTo = "collectedAt" });
        return template;
    }

    [Fact]
    public void The_csv_sheet_is_the_headers_after_a_byte_order_mark()
    {
        var bytes = BlankSheet.Csv(Plate());

        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).ShouldBe("Sample_Name,Type,Collected\r\n");
    }
}
