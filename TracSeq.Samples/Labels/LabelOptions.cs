using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Labels;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Labels;

/// <summary>
/// How labels are printed: <c>format</c> pdf (default), zpl or png (a preview of the first label), <c>template</c>
/// (a stock; default cryo-tube), <c>copies</c> of each label (1 to 100) and, for ZPL, the printer's <c>dpi</c>
/// (203, the default, or 300). At most <see cref="MaxLabels"/> labels per request, copies included.
/// </summary>
public sealed record LabelOptions(string Format, LabelStock Stock, int Copies, int Dpi)
{
    public const int MaxLabels = 1000;
    public const int MaxCopies = 100;

    public static LabelOptions? Parse(string? format, string? template, int? copies, int? dpi, ValidationErrors errors)
    {
        format = string.IsNullOrEmpty(format) ? LabelFormats.Pdf : format;
        var stock = LabelStocks.Find(string.IsNullOrEmpty(template) ? LabelStocks.CryoTube.Name : template);
        errors.Check(format is LabelFormats.Pdf or LabelFormats.Zpl or LabelFormats.Png, "format", "format must be pdf, zpl or png.")
            .Check(stock is not null, "template", $"template must be one of: {string.Join(", ", LabelStocks.All.Select(s => s.Name))}.")
            .Check(copies is null or (>= 1 and <= MaxCopies), "copies", $"copies must be 1 to {MaxCopies}.")
            .Check(dpi is null or 203 or 300, "dpi", "dpi must be 203 or 300.");
        if (stock is not null && format == LabelFormats.Zpl)
        {
            errors.Check(stock.Formats.Contains(LabelFormats.Zpl), "format", $"The {stock.Name} template is printed as PDF only.");
        }
        return errors.IsValid ? new LabelOptions(format, stock!, copies ?? 1, dpi ?? 203) : null;
    }

    /// <summary>The file: one label per item and copy, or a PNG of the first label.</summary>
    public FileContentHttpResult Render(IReadOnlyList<LabelItem> items, string fileName) => Format switch
    {
        LabelFormats.Zpl => TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ZplLabels.Render(Stock, items, Copies, Dpi)),
            "text/plain; charset=utf-8", $"{fileName}.zpl"),
        LabelFormats.Png => TypedResults.File(PngPreview.Render(Stock, items[0]), "image/png"),
        _ => TypedResults.File(PdfLabels.Render(Stock, items, Copies), "application/pdf", $"{fileName}.pdf"),
    };
}
