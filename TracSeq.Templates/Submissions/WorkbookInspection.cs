using System.Globalization;
using System.IO.Compression;

namespace TracSeq.Templates.Submissions;

/// <summary>
/// An XLSX is a zip: a few kilobytes can inflate to gigabytes (a decompression bomb), and ExcelDataReader loads parts
/// such as sharedStrings.xml whole. Before it parses anything, the parts are counted and their sizes checked (the
/// declared sizes, then the real ones while inflating into nothing, since a zip can lie about sizes).
/// </summary>
public static class WorkbookInspection
{
    private const long RatioCheckedAbove = 1024 * 1024; // small parts compress well and are harmless

    public static void Check(byte[] zip)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
            if (archive.Entries.Count > SubmissionLimits.MaxZipEntries)
            {
                throw Refuse($"The workbook has {archive.Entries.Count} entries; a sheet has a few dozen.");
            }
            CheckDeclaredSizes(archive);
            CheckInflatedSizes(archive);
        }
        catch (InvalidDataException)
        {
            throw new UnreadableSheetException(400,
                "The workbook could not be read: it may be damaged or password-protected. Save it again from Excel, or as CSV.");
        }
    }

    private static void CheckDeclaredSizes(ZipArchive archive)
    {
        long declared = 0;
        foreach (var entry in archive.Entries)
        {
            declared += entry.Length;
            if (declared > SubmissionLimits.MaxUnzippedBytes || TooCompressed(entry.Length, entry.CompressedLength))
            {
                throw Refuse("The workbook would expand to far more than its size.");
            }
        }
    }

    /// <summary>Inflates every part into nothing, stopping as soon as a part outgrows its declared size or the whole the limit.</summary>
    private static void CheckInflatedSizes(ZipArchive archive)
    {
        long inflated = 0;
        var buffer = new byte[81920];
        foreach (var entry in archive.Entries)
        {
            using var part = entry.Open();
            long read = 0;
            int n;
            while ((n = part.Read(buffer, 0, buffer.Length)) > 0)
            {
                read += n;
                inflated += n;
                if (read > entry.Length || inflated > SubmissionLimits.MaxUnzippedBytes)
                {
                    throw Refuse("The workbook would expand to far more than its size.");
                }
            }
        }
    }

    private static bool TooCompressed(long length, long compressed) =>
        length > RatioCheckedAbove && length > Math.Max(compressed, 1) * SubmissionLimits.MaxCompressionRatio;

    private static UnreadableSheetException Refuse(string why) => new(400, string.Create(CultureInfo.InvariantCulture,
        $"{why} It is not read (at most {SubmissionLimits.MaxUnzippedBytes / (1024 * 1024)} MB unpacked, " +
        $"{SubmissionLimits.MaxZipEntries} entries). Save it again from Excel, or as CSV."));
}
