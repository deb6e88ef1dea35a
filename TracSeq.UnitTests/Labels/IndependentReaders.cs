using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TracSeq.UnitTests.Labels;

/// <summary>
/// The Debian tools that read labels the way a scanner and a printer would, independent of the code that wrote them:
/// poppler's pdfinfo (pages, page size), pdffonts (embedding) and pdftoppm (rasterising), zbarimg (Code 128) and
/// dmtxread (Data Matrix). scripts/install-local-infrastructure.sh installs them; a missing tool fails the test.
/// </summary>
public sealed partial class IndependentReaders : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tracseq-labels-").FullName;
    private int files;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public string Save(byte[] bytes, string extension)
    {
        var path = Path.Combine(folder, $"file{Interlocked.Increment(ref files)}.{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Page count and each page's size in points, as pdfinfo reports them.</summary>
    public (int Pages, IReadOnlyList<(double Width, double Height)> Sizes) PdfInfo(string pdf)
    {
        var (_, output) = Run("pdfinfo", "-f", "1", "-l", "100000", pdf);
        var pages = int.Parse(PagesLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var sizes = PageSizeLine().Matches(output).Select(m => (
            double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        return (pages, sizes);
    }

    public string PdfFonts(string pdf) => Run("pdffonts", pdf).Output;

    /// <summary>One grey PNG per page (or of the crop, in pixels at <paramref name="dpi"/>), in page order.</summary>
    public IReadOnlyList<string> Rasterise(string pdf, int dpi, int? page = null, (int X, int Y, int W, int H)? crop = null)
    {
        var prefix = Path.Combine(folder, $"page{Interlocked.Increment(ref files)}");
        var args = new List<string> { "-r", dpi.ToString(CultureInfo.InvariantCulture), "-gray", "-png" };
        if (page is { } p)
        {
            args.AddRange(["-f", p.ToString(CultureInfo.InvariantCulture), "-l", p.ToString(CultureInfo.InvariantCulture)]);
        }
        if (crop is { } c)
        {
            args.AddRange(["-x", $"{c.X}", "-y", $"{c.Y}", "-W", $"{c.W}", "-H", $"{c.H}"]);
        }
        Run("pdftoppm", [.. args, pdf, prefix]);
        return [.. Directory.GetFiles(folder, Path.GetFileName(prefix) + "-*.png").Order(StringComparer.Ordinal)];
    }

    /// <summary>Every Code 128 zbarimg finds in the image (none: an empty list).</summary>
    public IReadOnlyList<string> Code128(string png)
    {
        var (exit, output) = Run("zbarimg", ["-q", "--raw", "-Sdisable", "-Scode128.enable", png], allowExit: 4);
        return exit == 4 ? [] : Lines(output);
    }

    /// <summary>The first Data Matrix dmtxread finds in the image (scanning on for more costs a minute a page);
    /// <paramref name="shrink"/> 2 halves a 600 dpi raster first, which is faster and reads the same.</summary>
    public IReadOnlyList<string> DataMatrix(string png, int shrink = 2) =>
        Lines(Run("dmtxread", ["-n", "-N", "1", "-S", $"{shrink}", "-m", "20000", png], allowExit: 1).Output);

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (int Exit, string Output) Run(string tool, params string[] args) => Run(tool, args, allowExit: 0);

    private static (int Exit, string Output) Run(string tool, string[] args, int allowExit)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} took over a minute.");
        }
        if (process.ExitCode != 0 && process.ExitCode != allowExit)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
        }
        return (process.ExitCode, output.Result);
    }

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();

    [GeneratedRegex(@"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", RegexOptions.Multiline)]
    private static partial Regex PageSizeLine();
}
