using System.Globalization;
using System.Text;

namespace TracSeq.Sequencing.Kits;

/// <summary>
/// Reads an Illumina index kit definition file: the tab-separated file Illumina Run Manager, Local Run Manager and
/// BaseSpace import to define a custom index kit. Sections:
/// <list type="bullet">
/// <item><c>[IndexKit]</c>: key/value rows (Name, DisplayName, Version, Description, IndexStrategy
/// SingleOnly|DualOnly|NoIndex|All, AdapterRead1, AdapterRead2, …).</item>
/// <item><c>[Resources]</c>: a header <c>Name Type Format Value</c>, then rows such as <c>Adapter</c>,
/// <c>AdapterRead2</c>, <c>FixedLayout bool true</c> and, for fixed layouts, one <c>A01 FixedIndexPosition string
/// i7name-i5name</c> per well.</item>
/// <item><c>[Indices]</c>: a header <c>Name Sequence IndexReadNumber</c>, then one row per index (read 1 = i7, 2 = i5).</item>
/// <item><c>[SupportedLibraryPrepKits]</c>: one library prep kit name per row.</item>
/// </list>
/// Files edited by hand or exported from spreadsheets are accepted as they come: a UTF-8 BOM, <c>\r\n</c>, <c>\n</c>
/// and bare <c>\r</c> line endings mixed in one file, blank lines anywhere (e.g. between the reads in [Indices]),
/// trailing tabs, header rows wider than the data rows, lines starting with <c>#</c> (comments), unknown keys and
/// sections (ignored). Real errors are reported with their 1-based line number, the first
/// <see cref="MaxErrors"/> of them in file order with a count of all.
/// Parsing is linear in the file: every line is split once, every lookup is a hash lookup of a name of bounded length,
/// and a well's <c>i7-i5</c> value longer than two names can be is refused without trying its dashes.
/// </summary>
public static class IlluminaKitFile
{
    /// <summary>The largest kit file accepted (a 384-well UDI kit is about 30 KiB); the API refuses more with 413/400.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>How many errors an answer lists (the first in file order); the rest are counted.</summary>
    public const int MaxErrors = 100;

    private const string IndexKitSection = "IndexKit";
    private const string ResourcesSection = "Resources";
    private const string IndicesSection = "Indices";
    private const string PrepKitsSection = "SupportedLibraryPrepKits";

    public static KitParseResult Parse(string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            return new(null, [new KitError(null, "file", string.Create(CultureInfo.InvariantCulture, $"A kit file has at most {MaxBytes:N0} bytes."))]);
        }
        var reader = new Reader(ct);
        reader.Read(text);
        return reader.Finish();
    }

    /// <summary>One non-blank, non-comment line split at tabs, cells trimmed, trailing empty cells dropped.</summary>
    private sealed record Row(int Line, string[] Cells)
    {
        public string Cell(int column) => column >= 0 && column < Cells.Length ? Cells[column] : "";
    }

    private sealed class Reader(CancellationToken ct)
    {
        private readonly KitErrors _errors = new();
        private readonly Dictionary<string, (int Line, List<Row> Rows)> _sections = new(StringComparer.OrdinalIgnoreCase);

        // Every (read, name) the [Indices] rows give, valid or not, so a refused index is reported once, on its own line,
        // and not again by each well that names it.
        private readonly Dictionary<(int Read, string Name), int> _namedInFile = [];

        public void Read(string text)
        {
            List<Row>? current = null;
            foreach (var (number, line) in Lines(text))
            {
                if ((number & 0xFFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
                if (line.Any(c => c != '\t' && char.IsControl(c)))
                {
                    // NUL and the like are never meant in a kit file, and PostgreSQL cannot store NUL.
                    _errors.Add(new KitError(number, "file", "The line has a control character; a kit file is tab-separated text."));
                    continue;
                }
                var cells = Cells(line);
                if (cells.Length == 0 || cells[0].StartsWith('#'))
                {
                    continue;
                }
                if (cells[0].StartsWith('[') && cells[0].EndsWith(']'))
                {
                    current = StartSection(cells[0][1..^1].Trim(), number);
                    continue;
                }
                if (current is null)
                {
                    _errors.Add(new KitError(number, "file", "Text before the first section: a kit file starts with [IndexKit]."));
                    continue;
                }
                current.Add(new Row(number, cells));
            }
        }

        private List<Row> StartSection(string name, int line)
        {
            if (_sections.TryGetValue(name, out var existing))
            {
                _errors.Add(new KitError(line, $"[{name}]", string.Create(CultureInfo.InvariantCulture, $"The section [{name}] appears twice (first at line {existing.Line}).")));
                return existing.Rows;
            }
            var rows = new List<Row>();
            _sections[name] = (line, rows);
            return rows;
        }

        public KitParseResult Finish()
        {
            var header = ReadIndexKit();
            var resources = ReadResources();
            var indices = ReadIndices();
            var prepKits = _sections.TryGetValue(PrepKitsSection, out var p) ? p.Rows.Select(r => r.Cells[0]).Where(n => n.Length > 0).ToList() : [];
            if (indices is null || header is null)
            {
                return Failed();
            }
            var wells = ResolveWells(resources.Wells);
            var adapters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, (line, value)) in header.Value.Adapters.Concat(resources.Adapters))
            {
                Check(line, key, IndexKitRules.Adapter(value));
                adapters[key] = value.ToUpperInvariant();
            }
            var fixedLayout = resources.FixedLayout?.Value ?? wells.Count > 0;
            var strategy = Strategy(header.Value.IndexStrategy, fixedLayout, wells);
            var kit = new IndexKitDefinition(header.Value.Name, header.Value.DisplayName, header.Value.Version, strategy ?? "",
                fixedLayout, indices, wells, adapters, prepKits);
            if (strategy is not null)
            {
                foreach (var error in IndexKitRules.Consistency(kit))
                {
                    _errors.Add(ToFileError(error, header.Value, resources));
                }
            }
            return _errors.Count == 0 ? new KitParseResult(kit, []) : Failed();
        }

        /// <summary>The first errors in file order (errors of the whole file, without a line, first) and how many in all.</summary>
        private KitParseResult Failed() => new(null, _errors.First(), _errors.Count);

        private readonly record struct Header(
            int Line, string Name, string? DisplayName, string? Version, (int Line, string Value)? IndexStrategy,
            Dictionary<string, (int Line, string Value)> Adapters);

        private Header? ReadIndexKit()
        {
            if (!_sections.TryGetValue(IndexKitSection, out var section))
            {
                _errors.Add(new KitError(null, "[IndexKit]", "The file has no [IndexKit] section (the kit's Name and IndexStrategy)."));
                return null;
            }
            var values = new Dictionary<string, (int Line, string Value)>(StringComparer.OrdinalIgnoreCase);
            foreach (var row in section.Rows)
            {
                if (!values.TryAdd(row.Cells[0], (row.Line, row.Cell(1))))
                {
                    _errors.Add(new KitError(row.Line, row.Cells[0], string.Create(CultureInfo.InvariantCulture, $"{row.Cells[0]} is given twice (first at line {values[row.Cells[0]].Line}).")));
                }
            }
            string? Value(string key) => values.TryGetValue(key, out var v) && v.Value.Length > 0 ? v.Value : null;
            var name = Value("Name");
            if (IndexKitRules.KitName(name) is { } nameError)
            {
                _errors.Add(new KitError(values.TryGetValue("Name", out var n) ? n.Line : section.Line, "Name", nameError));
            }
            var adapters = new Dictionary<string, (int Line, string Value)>(StringComparer.Ordinal);
            foreach (var (key, target) in new[] { ("AdapterRead1", KitAdapters.Read1), ("Adapter", KitAdapters.Read1), ("AdapterRead2", KitAdapters.Read2) })
            {
                if (Value(key) is not null)
                {
                    adapters.TryAdd(target, values[key]);
                }
            }
            (int, string)? strategy = values.TryGetValue("IndexStrategy", out var s) ? s : null;
            return new Header(section.Line, name ?? "", Value("DisplayName"), Value("Version"), strategy, adapters);
        }

        private readonly record struct RawWell(int Line, string Well, string Value);

        private sealed record Resources(
            (int Line, bool Value)? FixedLayout, List<RawWell> Wells, Dictionary<string, (int Line, string Value)> Adapters);

        private Resources ReadResources()
        {
            var resources = new Resources(null, [], new Dictionary<string, (int, string)>(StringComparer.Ordinal));
            if (!_sections.TryGetValue(ResourcesSection, out var section) || section.Rows.Count == 0)
            {
                return resources;
            }
            var columns = HeaderColumns(section.Rows[0], ["Name", "Type", "Value"], "[Resources]");
            if (columns is null)
            {
                return resources;
            }
            var (name, type, value) = (columns[0], columns[1], columns[2]);
            foreach (var row in section.Rows.Skip(1))
            {
                var rowName = row.Cell(name);
                if (string.Equals(row.Cell(type), "FixedIndexPosition", StringComparison.OrdinalIgnoreCase))
                {
                    resources.Wells.Add(new RawWell(row.Line, rowName, row.Cell(value)));
                }
                else if (string.Equals(rowName, "FixedLayout", StringComparison.OrdinalIgnoreCase))
                {
                    if (bool.TryParse(row.Cell(value), out var isFixed))
                    {
                        resources = resources with { FixedLayout = (row.Line, isFixed) };
                    }
                    else
                    {
                        _errors.Add(new KitError(row.Line, "FixedLayout", $"FixedLayout is true or false, not '{row.Cell(value)}'."));
                    }
                }
                else if (rowName.Equals("Adapter", StringComparison.OrdinalIgnoreCase) || rowName.Equals("AdapterRead1", StringComparison.OrdinalIgnoreCase))
                {
                    resources.Adapters[KitAdapters.Read1] = (row.Line, row.Cell(value));
                }
                else if (rowName.Equals("AdapterRead2", StringComparison.OrdinalIgnoreCase))
                {
                    resources.Adapters[KitAdapters.Read2] = (row.Line, row.Cell(value));
                }
            }
            return resources;
        }

        private List<KitIndex>? ReadIndices()
        {
            if (!_sections.TryGetValue(IndicesSection, out var section))
            {
                _errors.Add(new KitError(null, "[Indices]", "The file has no [Indices] section."));
                return null;
            }
            if (section.Rows.Count == 0)
            {
                return [];
            }
            var columns = HeaderColumns(section.Rows[0], ["Name", "Sequence", "IndexReadNumber"], "[Indices]");
            if (columns is null)
            {
                return null;
            }
            var indices = new List<KitIndex>();
            var firstLine = _namedInFile;
            foreach (var row in section.Rows.Skip(1))
            {
                var (name, sequence, readText) = (row.Cell(columns[0]), row.Cell(columns[1]), row.Cell(columns[2]));
                var ok = Check(row.Line, "Name", IndexKitRules.IndexName(name));
                ok &= Check(row.Line, "Sequence", IndexKitRules.Sequence(sequence));
                if (!int.TryParse(readText, NumberStyles.None, CultureInfo.InvariantCulture, out var read) || read is not (1 or 2))
                {
                    Check(row.Line, "IndexReadNumber", $"IndexReadNumber is 1 (i7) or 2 (i5), not '{readText}'.");
                    continue;
                }
                if (name.Length > 0 && !firstLine.TryAdd((read, name), row.Line))
                {
                    ok = Check(row.Line, "Name", IndexKitRules.DuplicateIndexName(name, read, string.Create(CultureInfo.InvariantCulture, $"line {firstLine[(read, name)]}")));
                }
                if (ok)
                {
                    indices.Add(new KitIndex(name, sequence.ToUpperInvariant(), read));
                }
            }
            return indices;
        }

        /// <summary>Resolves <c>i7-i5</c> (or a lone i7) against the kit's indices; names may themselves contain '-'.</summary>
        private List<KitWell> ResolveWells(List<RawWell> raw)
        {
            var i7 = _namedInFile.Keys.Where(k => k.Read == 1).Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
            var i5 = _namedInFile.Keys.Where(k => k.Read == 2).Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
            var wells = new List<KitWell>();
            var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var well in raw)
            {
                if (!Check(well.Line, "FixedIndexPosition", IndexKitRules.Well(well.Well, out var normalized)))
                {
                    continue;
                }
                if (!firstLine.TryAdd(normalized!, well.Line))
                {
                    Check(well.Line, "FixedIndexPosition", IndexKitRules.DuplicateWell(normalized!, string.Create(CultureInfo.InvariantCulture, $"line {firstLine[normalized!]}")));
                    continue;
                }
                if (Pair(well.Value, i7, i5) is { } pair)
                {
                    wells.Add(new KitWell(normalized!, pair.I7, pair.I5));
                }
                else
                {
                    Check(well.Line, "FixedIndexPosition", $"The well {normalized} names '{Shown(well.Value)}', which is not an i7 index or an i7-i5 pair of this kit.");
                }
            }
            return wells;
        }

        /// <summary>A value as an error message quotes it: at most 60 characters.</summary>
        private static string Shown(string value) => value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 57), "…");

        private static (string I7, string? I5)? Pair(string value, HashSet<string> i7, HashSet<string> i5)
        {
            // Index names are at most MaxIndexNameLength characters: anything longer than "i7-i5" can be names no index,
            // and trying each of its dashes would cost its length squared.
            if (value.Length > 2 * IndexKitRules.MaxIndexNameLength + 1)
            {
                return null;
            }
            for (var dash = value.IndexOf('-', StringComparison.Ordinal); dash > 0; dash = value.IndexOf('-', dash + 1))
            {
                if (i7.Contains(value[..dash]) && i5.Contains(value[(dash + 1)..]))
                {
                    return (value[..dash], value[(dash + 1)..]);
                }
            }
            return i7.Contains(value) ? (value, null) : null;
        }

        /// <summary>Illumina's IndexStrategy mapped to ours; DualOnly on a fixed plate pairing each index once is unique_dual.</summary>
        private string? Strategy((int Line, string Value)? indexStrategy, bool fixedLayout, List<KitWell> wells)
        {
            var (line, value) = indexStrategy ?? (_sections[IndexKitSection].Line, "");
            var strategy = value.ToUpperInvariant() switch
            {
                "SINGLEONLY" => KitStrategies.Single,
                "DUALONLY" => fixedLayout && IndexKitRules.PairsUniquely(wells) ? KitStrategies.UniqueDual : KitStrategies.Dual,
                "NOINDEX" => KitStrategies.None,
                "ALL" => KitStrategies.All,
                _ => null,
            };
            Check(line, "IndexStrategy", (strategy, indexStrategy) switch
            {
                (not null, _) => null,
                (null, null) => "[IndexKit] has no IndexStrategy (SingleOnly, DualOnly, NoIndex or All).",
                _ => $"IndexStrategy is SingleOnly, DualOnly, NoIndex or All, not '{value}'.",
            });
            return strategy;
        }

        private int[]? HeaderColumns(Row header, string[] names, string section)
        {
            var columns = names.Select(n => Array.FindIndex(header.Cells, c => c.Equals(n, StringComparison.OrdinalIgnoreCase))).ToArray();
            if (columns.Any(c => c < 0))
            {
                _errors.Add(new KitError(header.Line, section, $"The first row of {section} is its header: {string.Join(", ", names)} (tab-separated)."));
                return null;
            }
            return columns;
        }

        private KitError ToFileError(KitError error, Header header, Resources resources) => error.Field switch
        {
            "strategy" => new KitError(header.IndexStrategy?.Line ?? header.Line, "IndexStrategy", error.Message),
            "fixedLayout" => new KitError(resources.FixedLayout?.Line ?? SectionLine(ResourcesSection), "FixedLayout", error.Message),
            "wells" => new KitError(SectionLine(ResourcesSection), "FixedIndexPosition", error.Message),
            _ => new KitError(SectionLine(IndicesSection), "[Indices]", error.Message),
        };

        private int? SectionLine(string name) => _sections.TryGetValue(name, out var s) ? s.Line : null;

        private bool Check(int line, string field, string? message)
        {
            if (message is null)
            {
                return true;
            }
            _errors.Add(new KitError(line, field, message));
            return false;
        }
    }

    /// <summary>
    /// Errors as they are found, keeping only the first <see cref="MaxErrors"/> by line: a file of a million bad rows
    /// costs a count, not a million messages. Trimmed whenever twice the cap is held, so adding stays amortised O(log cap).
    /// </summary>
    private sealed class KitErrors
    {
        private List<KitError> _kept = [];

        public int Count { get; private set; }

        public void Add(KitError error)
        {
            Count++;
            _kept.Add(error);
            if (_kept.Count >= 2 * MaxErrors)
            {
                _kept = First();
            }
        }

        /// <summary>The first errors in file order (those of the whole file, without a line, first); stable for equal lines.</summary>
        public List<KitError> First() => [.. _kept.Select((e, i) => (e, i)).OrderBy(x => x.e.Line ?? 0).ThenBy(x => x.i).Take(MaxErrors).Select(x => x.e)];
    }

    /// <summary>Lines with their 1-based numbers; \r\n, \n and a bare \r each end a line; a leading BOM is dropped.</summary>
    private static IEnumerable<(int Number, string Text)> Lines(string text)
    {
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var number = 1;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] is '\r' or '\n')
            {
                yield return (number++, text[start..i]);
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            yield return (number, text[start..]);
        }
    }

    private static string[] Cells(string line)
    {
        var cells = line.Split('\t').Select(c => c.Trim()).ToList();
        while (cells.Count > 0 && cells[^1].Length == 0)
        {
            cells.RemoveAt(cells.Count - 1);
        }
        return [.. cells];
    }
}
