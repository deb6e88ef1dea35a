using System.Globalization;
using System.Text;
using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Kits;
using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.SampleSheets;

/// <summary>
/// Writes Illumina sample sheets: v1 (bcl2fastq, Illumina Experiment Manager layout, <c>IEMFileVersion 5</c>) and v2
/// (BCL Convert, <c>FileFormatVersion 2</c>). Output is deterministic: rows sorted by lane (stable, otherwise as
/// given), no current date unless <see cref="SampleSheetRun.Date"/> is set, lines ending in CRLF (what Illumina's own
/// Windows-based run-planning software writes; bcl2fastq and BCL Convert read it on Linux as well), a blank line between
/// sections and a final line break. User-given text goes through <see cref="SampleSheetText.Sanitize"/>; indices are
/// validated bases. A column of a read the run does not sequence (0 cycles) is left out, with its values.
/// </summary>
public static class SampleSheetWriter
{
    public const string NewLine = "\r\n";

    public static string Write(SampleSheetRun run, SampleSheetFormat format)
    {
        ArgumentNullException.ThrowIfNull(run);
        Validate(run);
        var sheet = new Sheet(run, format);
        return format switch
        {
            SampleSheetFormat.V1 => sheet.V1(),
            SampleSheetFormat.V2 => sheet.V2(),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    /// <summary>The API checks all this first; here it guards against writing a sheet the instrument would reject.</summary>
    private static void Validate(SampleSheetRun run)
    {
        if (!Instruments.IsKnown(run.Instrument))
        {
            throw new ArgumentException($"Unknown instrument '{run.Instrument}'.", nameof(run));
        }
        var r = run.Reads ?? throw new ArgumentException("Reads are required.", nameof(run));
        if (r.Read1Cycles <= 0 || r.Read2Cycles < 0 || r.Index1Cycles < 0 || r.Index2Cycles < 0)
        {
            throw new ArgumentException("Read 1 has cycles; no read has a negative number of cycles.", nameof(run));
        }
        if (run.BarcodeMismatchesIndex1 is < 0 or > IndexCollisionChecker.MaxMismatches
            || run.BarcodeMismatchesIndex2 is < 0 or > IndexCollisionChecker.MaxMismatches)
        {
            throw new ArgumentException("Barcode mismatches are 0, 1 or 2.", nameof(run));
        }
        if ((IndexKitRules.Adapter(run.AdapterRead1) ?? IndexKitRules.Adapter(run.AdapterRead2)) is { } adapterError)
        {
            throw new ArgumentException(adapterError, nameof(run));
        }
        if (!SampleSheetOptions.IsVersion(run.SoftwareVersion))
        {
            throw new ArgumentException(
                $"SoftwareVersion '{run.SoftwareVersion}' is not a version such as {SampleSheetOptions.DefaultBclConvertVersion}.", nameof(run));
        }
        foreach (var row in run.Rows)
        {
            if (row.Lane < 1 || row.Lane > Instruments.LaneCount(run.Instrument))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Lane {row.Lane} of {row.LibraryBarcode} is not a lane of a {run.Instrument} (1–{Instruments.LaneCount(run.Instrument)})."),
                    nameof(run));
            }
            CheckIndex(row.Index1, r.Index1Cycles, row.LibraryBarcode, "Index 1");
            if (!string.IsNullOrEmpty(row.Index2))
            {
                CheckIndex(row.Index2, r.Index2Cycles, row.LibraryBarcode, "Index 2");
            }
        }
    }

    private static void CheckIndex(string sequence, int cycles, string library, string read)
    {
        if (cycles == 0)
        {
            return; // not sequenced: the column is left out
        }
        if (!IndexSequence.IsValid(sequence))
        {
            throw new ArgumentException($"{read} of {library} is not a valid index.", "run");
        }
        if (sequence.Length > cycles)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{read} of {library} has {sequence.Length} bases, more than the run's {cycles} cycles."), "run");
        }
    }

    /// <summary>One sheet being written: the rows in sheet order with Index 2 already in the orientation the format needs.</summary>
    private sealed class Sheet
    {
        private readonly SampleSheetRun _run;
        private readonly ReadCycles _reads;
        private readonly StringBuilder _text = new();
        private readonly List<(SampleSheetRow Row, string Index1, string Index2)> _rows;
        private readonly bool _index2NsFirst;

        public Sheet(SampleSheetRun run, SampleSheetFormat format)
        {
            _run = run;
            _reads = run.Reads;
            var reverse = I5Orientation.ReverseComplemented(run.Instrument, run.Chemistry, format);
            _index2NsFirst = I5Orientation.IsReverseComplementWorkflow(run.Instrument, run.Chemistry);
            _rows = run.Rows
                .OrderBy(r => r.Lane)
                .Select(r => (r,
                    _reads.Index1Cycles > 0 ? r.Index1.ToUpperInvariant() : "",
                    _reads.Index2Cycles > 0 && !string.IsNullOrEmpty(r.Index2)
                        ? reverse ? IndexSequence.ReverseComplement(r.Index2) : r.Index2.ToUpperInvariant()
                        : ""))
                .ToList();
        }

        private bool HasIndex1 => _reads.Index1Cycles > 0;

        private bool HasIndex2 => _reads.Index2Cycles > 0;

        /// <summary>bcl2fastq / IEM: header, read lengths (index reads are implied), settings, data.</summary>
        public string V1()
        {
            V1Header();
            Section("Reads");
            Line(Number(_reads.Read1Cycles));
            if (_reads.Read2Cycles > 0)
            {
                Line(Number(_reads.Read2Cycles));
            }
            Blank();

            Section("Settings");
            Adapters("Adapter", "AdapterRead2");
            // bcl2fastq takes --barcode-mismatches on its command line; BCL Convert reads these from a v1 sheet.
            Mismatches();
            Blank();

            Section("Data");
            Line(Columns(["Lane", "Sample_ID", "Sample_Name"], HasIndex1 ? "index" : null, HasIndex2 ? "index2" : null, ["Sample_Project"]));
            foreach (var (row, index1, index2) in _rows)
            {
                Line(Columns([Number(row.Lane), SampleSheetText.Sanitize(row.LibraryBarcode), SampleSheetText.Sanitize(row.LibraryName)],
                    HasIndex1 ? index1 : null, HasIndex2 ? index2 : null, [SampleSheetText.Sanitize(row.Project)]));
            }
            return _text.ToString();
        }

        private void V1Header()
        {
            Section("Header");
            Line("IEMFileVersion", "5");
            Line("Experiment Name", SampleSheetText.Sanitize(_run.RunName));
            if (_run.Date is { } date)
            {
                Line("Date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            Line("Workflow", "GenerateFASTQ");
            Line("Application", "FASTQ Only");
            Line("Instrument Type", Instruments.PlatformName(_run.Instrument));
            Line("Assay", "");
            if (_run.IndexAdapters is not null)
            {
                Line("Index Adapters", SampleSheetText.Sanitize(_run.IndexAdapters));
            }
            // IEM's Chemistry: "Amplicon" for dual-indexed runs, "Default" for single-indexed ones.
            Line("Chemistry", HasIndex2 ? "Amplicon" : "Default");
            Blank();
        }

        /// <summary>BCL Convert: header, reads, settings (mismatches, adapters, OverrideCycles), data.</summary>
        public string V2()
        {
            V2Header();
            var overrides = _rows.Select(r => OverrideCycles.For(_reads, r.Index1.Length, r.Index2.Length, _index2NsFirst)).ToList();
            var masked = _rows.Any(r =>
                OverrideCycles.Masks(_reads.Index1Cycles, r.Index1.Length) || OverrideCycles.Masks(_reads.Index2Cycles, r.Index2.Length));
            // One OverrideCycles for the run when every library has the same index lengths; otherwise a per-sample column
            // (BCL Convert 4.1+ reads OverrideCycles in [BCLConvert_Data]).
            var perSample = masked && overrides.Distinct().Count() > 1;
            Section("BCLConvert_Settings");
            // Required by on-instrument analysis (NovaSeq X, NextSeq 1000/2000) and by v2 schema validators.
            Line("SoftwareVersion", _run.SoftwareVersion);
            Mismatches();
            Adapters("AdapterRead1", "AdapterRead2");
            if (masked && !perSample)
            {
                Line("OverrideCycles", overrides[0]);
            }
            Blank();

            Section("BCLConvert_Data");
            Line(Columns(
                ["Lane", "Sample_ID"],
                HasIndex1 ? "Index" : null,
                HasIndex2 ? "Index2" : null,
                perSample ? ["Sample_Project", "OverrideCycles"] : ["Sample_Project"]));
            for (var i = 0; i < _rows.Count; i++)
            {
                var (row, index1, index2) = _rows[i];
                string[] tail = perSample ? [SampleSheetText.Sanitize(row.Project), overrides[i]] : [SampleSheetText.Sanitize(row.Project)];
                Line(Columns([Number(row.Lane), SampleSheetText.Sanitize(row.LibraryBarcode)], HasIndex1 ? index1 : null, HasIndex2 ? index2 : null, tail));
            }
            return _text.ToString();
        }

        /// <summary>v2's [Header] and [Reads]: every read with cycles, index reads included.</summary>
        private void V2Header()
        {
            Section("Header");
            Line("FileFormatVersion", "2");
            Line("RunName", SampleSheetText.Sanitize(_run.RunName));
            var (platform, type) = V2Instrument(_run.Instrument);
            Line("InstrumentPlatform", platform);
            Line("InstrumentType", type);
            if (_run.Instrument == Instruments.NovaSeqX)
            {
                // The NovaSeq X's on-board planning writes it, and this writer gives Index2 forward for it in v2.
                Line("IndexOrientation", "Forward");
            }
            Blank();

            Section("Reads");
            foreach (var (key, cycles) in new[]
            {
                ("Read1Cycles", _reads.Read1Cycles), ("Read2Cycles", _reads.Read2Cycles),
                ("Index1Cycles", _reads.Index1Cycles), ("Index2Cycles", _reads.Index2Cycles),
            })
            {
                if (cycles > 0)
                {
                    Line(key, Number(cycles));
                }
            }
            Blank();
        }

        /// <summary>
        /// v2 InstrumentPlatform / InstrumentType as Illumina's run planning writes them (e.g. NovaSeqXSeries / NovaSeqX,
        /// NextSeq1k2k / NextSeq2000); no spaces.
        /// </summary>
        private static (string Platform, string Type) V2Instrument(string instrument) => instrument switch
        {
            Instruments.NextSeq1000 or Instruments.NextSeq2000 => ("NextSeq1k2k", instrument),
            Instruments.NovaSeqX => ("NovaSeqXSeries", instrument),
            _ => (instrument, instrument),
        };

        private void Mismatches()
        {
            if (HasIndex1)
            {
                Line("BarcodeMismatchesIndex1", Number(_run.BarcodeMismatchesIndex1));
            }
            if (HasIndex2)
            {
                Line("BarcodeMismatchesIndex2", Number(_run.BarcodeMismatchesIndex2));
            }
        }

        private void Adapters(string read1Key, string read2Key)
        {
            if (!string.IsNullOrEmpty(_run.AdapterRead1))
            {
                Line(read1Key, _run.AdapterRead1.ToUpperInvariant());
            }
            if (!string.IsNullOrEmpty(_run.AdapterRead2))
            {
                Line(read2Key, _run.AdapterRead2.ToUpperInvariant());
            }
        }

        private static string Columns(string[] head, string? index1, string? index2, string[] tail)
        {
            var cells = new List<string>(head);
            if (index1 is not null)
            {
                cells.Add(index1);
            }
            if (index2 is not null)
            {
                cells.Add(index2);
            }
            cells.AddRange(tail);
            return string.Join(',', cells);
        }

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private void Section(string name) => _text.Append('[').Append(name).Append(']').Append(NewLine);

        private void Line(string key, string value) => _text.Append(key).Append(',').Append(value).Append(NewLine);

        private void Line(string text) => _text.Append(text).Append(NewLine);

        private void Blank() => _text.Append(NewLine);
    }
}
