using System.Globalization;
using System.Text;
using TracSeq.Sequencing.Indexing;

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
/// </summary>
/// <remarks>
/// Bounded by the file (at most <see cref="MaxBytes"/>): one pass over the text, each line split once into cells that
/// stay slices of the text; the [Indices] rows are checked as they are read, so a row costs a string only for what the
/// kit keeps (a valid index, a name seen for the first time) and an error costs a message only while it is among the
/// first <see cref="MaxErrors"/> (the others are counted). Every lookup is a hash lookup of a slice; a well's
/// <c>i7-i5</c> value longer than two names can be is refused without trying its dashes, and its dashes are tried on
/// slices. Unknown sections are skipped, not kept.
/// </remarks>
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
        var reader = new Reader(text, ct);
        reader.Read();
        return reader.Finish();
    }

    /// <summary>The sections the parser reads; any other section is skipped.</summary>
    private enum Section
    {
        None,
        IndexKit,
        Resources,
        Indices,
        PrepKits,
        Other,
    }

    /// <summary>
    /// One pass over the text: each line is split into cells (slices of the text) and handed to its section's reader at
    /// once; only what the kit is built from is kept as strings. <see cref="Finish"/> then checks the kit as a whole.
    /// </summary>
    private sealed class Reader(string text, CancellationToken ct)
    {
        private readonly KitErrors _errors = new();
        private readonly Dictionary<string, int> _sectionLines = new(StringComparer.OrdinalIgnoreCase);
        private readonly Cells _cells = new(text);
        private Section _current;

        // [IndexKit]: every key with its line and value (a key given twice is an error on the second line).
        private readonly Dictionary<string, (int Line, string Value)> _kitValues = new(StringComparer.OrdinalIgnoreCase);

        // [Resources] and [Indices]: null until their first row (the header) is read, then its columns or a refusal.
        private Columns? _resourceColumns;
        private Columns? _indexColumns;
        private (int Line, bool Value)? _fixedLayout;
        private readonly List<RawWell> _wells = [];
        private readonly Dictionary<string, (int Line, string Value)> _resourceAdapters = new(StringComparer.Ordinal);
        private readonly List<KitIndex> _indices = [];
        private readonly List<string> _prepKits = [];

        // Every name the [Indices] rows give per read (index 0: read 1, i7; 1: read 2, i5) with its first line, valid or
        // not, so a refused index is reported once, on its own line, and not again by each well that names it.
        private readonly Dictionary<string, int>[] _names = [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

        public void Read()
        {
            var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
            var number = 1;
            while (start < text.Length)
            {
                // \r\n, \n and a bare \r each end a line.
                var length = text.AsSpan(start).IndexOfAny('\r', '\n');
                var end = length < 0 ? text.Length : start + length;
                Line(number, start, end);
                if ((number++ & 0xFFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
                start = end < text.Length && text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1;
            }
        }

        private void Line(int number, int start, int end)
        {
            if (HasControlCharacter(text.AsSpan(start, end - start)))
            {
                // NUL and the like are never meant in a kit file, and PostgreSQL cannot store NUL.
                _errors.Add(number, "file", "The line has a control character; a kit file is tab-separated text.");
                return;
            }
            _cells.Split(start, end);
            if (_cells.Count == 0 || _cells[0].StartsWith('#'))
            {
                return;
            }
            var first = _cells[0];
            if (first.StartsWith('[') && first.EndsWith(']'))
            {
                StartSection(first[1..^1].Trim(), number);
                return;
            }
            switch (_current)
            {
                case Section.None:
                    _errors.Add(number, "file", "Text before the first section: a kit file starts with [IndexKit].");
                    break;
                case Section.IndexKit:
                    IndexKitRow(number);
                    break;
                case Section.Resources:
                    ResourcesRow(number);
                    break;
                case Section.Indices:
                    IndicesRow(number);
                    break;
                case Section.PrepKits when _cells[0].Length > 0:
                    _prepKits.Add(_cells[0].ToString());
                    break;
            }
        }

        private static bool HasControlCharacter(ReadOnlySpan<char> line)
        {
            foreach (var c in line)
            {
                if (c != '\t' && char.IsControl(c))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>A section named twice is an error, and its rows continue the first one's.</summary>
        private void StartSection(ReadOnlySpan<char> name, int line)
        {
            var lines = _sectionLines.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lines.TryGetValue(name, out var first))
            {
                _errors.Add(line, _errors.Lists(line) ? $"[{name}]" : "", _errors.Lists(line)
                    ? string.Create(CultureInfo.InvariantCulture, $"The section [{name}] appears twice (first at line {first}).") : null);
            }
            else
            {
                lines[name] = line;
            }
            _current = name.Equals(IndexKitSection, StringComparison.OrdinalIgnoreCase) ? Section.IndexKit
                : name.Equals(ResourcesSection, StringComparison.OrdinalIgnoreCase) ? Section.Resources
                : name.Equals(IndicesSection, StringComparison.OrdinalIgnoreCase) ? Section.Indices
                : name.Equals(PrepKitsSection, StringComparison.OrdinalIgnoreCase) ? Section.PrepKits
                : Section.Other;
        }

        private void IndexKitRow(int line)
        {
            var key = _cells[0];
            var values = _kitValues.GetAlternateLookup<ReadOnlySpan<char>>();
            if (values.TryGetValue(key, out var first))
            {
                _errors.Add(line, _errors.Lists(line) ? key.ToString() : "", _errors.Lists(line)
                    ? string.Create(CultureInfo.InvariantCulture, $"{key} is given twice (first at line {first.Line}).") : null);
                return;
            }
            values[key] = (line, _cells.Cell(1).ToString());
        }

        private void ResourcesRow(int line)
        {
            if (_resourceColumns is null)
            {
                _resourceColumns = HeaderColumns(line, ["Name", "Type", "Value"], "[Resources]");
                return;
            }
            if (_resourceColumns.Refused)
            {
                return;
            }
            var name = _cells.Cell(_resourceColumns[0]);
            var type = _cells.Cell(_resourceColumns[1]);
            var value = _cells.Cell(_resourceColumns[2]);
            if (type.Equals("FixedIndexPosition", StringComparison.OrdinalIgnoreCase))
            {
                _wells.Add(new RawWell(line, name.ToString(), value.ToString()));
            }
            else if (name.Equals("FixedLayout", StringComparison.OrdinalIgnoreCase))
            {
                if (bool.TryParse(value, out var isFixed))
                {
                    _fixedLayout = (line, isFixed);
                }
                else
                {
                    _errors.Add(line, "FixedLayout", _errors.Lists(line) ? $"FixedLayout is true or false, not '{value}'." : null);
                }
            }
            else if (name.Equals("Adapter", StringComparison.OrdinalIgnoreCase) || name.Equals("AdapterRead1", StringComparison.OrdinalIgnoreCase))
            {
                _resourceAdapters[KitAdapters.Read1] = (line, value.ToString());
            }
            else if (name.Equals("AdapterRead2", StringComparison.OrdinalIgnoreCase))
            {
                _resourceAdapters[KitAdapters.Read2] = (line, value.ToString());
            }
        }

        /// <summary>
        /// One [Indices] row, checked as it is read: strings are made only for an index the kit keeps, a name seen for
        /// the first time, and an error's message while it is among those listed.
        /// </summary>
        private void IndicesRow(int line)
        {
            if (_indexColumns is null)
            {
                _indexColumns = HeaderColumns(line, ["Name", "Sequence", "IndexReadNumber"], "[Indices]");
                return;
            }
            if (_indexColumns.Refused)
            {
                return;
            }
            var name = _cells.Cell(_indexColumns[0]);
            var sequence = _cells.Cell(_indexColumns[1]);
            var readText = _cells.Cell(_indexColumns[2]);
            var ok = Check(line, "Name", IndexKitRules.IndexName(name));
            if (!IndexSequence.IsValid(sequence))
            {
                ok = false;
                _errors.Add(line, "Sequence", _errors.Lists(line) ? IndexKitRules.Sequence(sequence.ToString()) : null);
            }
            if (!int.TryParse(readText, NumberStyles.None, CultureInfo.InvariantCulture, out var read) || read is not (1 or 2))
            {
                _errors.Add(line, "IndexReadNumber", _errors.Lists(line) ? $"IndexReadNumber is 1 (i7) or 2 (i5), not '{readText}'." : null);
                return;
            }
            ok &= FirstOfItsName(line, name, read);
            if (ok)
            {
                _indices.Add(new KitIndex(name.ToString(), sequence.ToString().ToUpperInvariant(), read));
            }
        }

        /// <summary>Remembers the index's name for its read; false, with an error, when an earlier row of that read has it.</summary>
        private bool FirstOfItsName(int line, ReadOnlySpan<char> name, int read)
        {
            if (name.Length == 0)
            {
                return true;
            }
            var names = _names[read - 1].GetAlternateLookup<ReadOnlySpan<char>>();
            if (names.TryGetValue(name, out var first))
            {
                _errors.Add(line, "Name", _errors.Lists(line)
                    ? IndexKitRules.DuplicateIndexName(name.ToString(), read, string.Create(CultureInfo.InvariantCulture, $"line {first}")) : null);
                return false;
            }
            names[name] = line;
            return true;
        }

        /// <summary>The columns of <paramref name="names"/> in a section's header row (the current line), or an error.</summary>
        private Columns HeaderColumns(int line, string[] names, string section)
        {
            var columns = new int[names.Length];
            for (var n = 0; n < names.Length; n++)
            {
                columns[n] = -1;
                for (var c = 0; c < _cells.Count && columns[n] < 0; c++)
                {
                    columns[n] = _cells[c].Equals(names[n], StringComparison.OrdinalIgnoreCase) ? c : -1;
                }
            }
            if (columns.Any(c => c < 0))
            {
                _errors.Add(line, section, $"The first row of {section} is its header: {string.Join(", ", names)} (tab-separated).");
                return Columns.Refusal;
            }
            return new Columns(columns);
        }

        public KitParseResult Finish()
        {
            var header = ReadIndexKit();
            var resources = new Resources(_fixedLayout, _wells, _resourceAdapters);
            var indices = ReadIndices();
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
                fixedLayout, indices, wells, adapters, _prepKits);
            if (strategy is not null)
            {
                foreach (var error in IndexKitRules.Consistency(kit))
                {
                    var located = ToFileError(error, header.Value, resources);
                    _errors.Add(located.Line, located.Field, located.Message);
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
            if (!_sectionLines.TryGetValue(IndexKitSection, out var sectionLine))
            {
                _errors.Add(null, "[IndexKit]", "The file has no [IndexKit] section (the kit's Name and IndexStrategy).");
                return null;
            }
            var values = _kitValues;
            string? Value(string key) => values.TryGetValue(key, out var v) && v.Value.Length > 0 ? v.Value : null;
            var name = Value("Name");
            if (IndexKitRules.KitName(name) is { } nameError)
            {
                _errors.Add(values.TryGetValue("Name", out var n) ? n.Line : sectionLine, "Name", nameError);
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
            return new Header(sectionLine, name ?? "", Value("DisplayName"), Value("Version"), strategy, adapters);
        }

        private readonly record struct RawWell(int Line, string Well, string Value);

        private sealed record Resources(
            (int Line, bool Value)? FixedLayout, List<RawWell> Wells, Dictionary<string, (int Line, string Value)> Adapters);

        /// <summary>The indices read, or null when the section is missing or its header is not one.</summary>
        private List<KitIndex>? ReadIndices()
        {
            if (!_sectionLines.ContainsKey(IndicesSection))
            {
                _errors.Add(null, "[Indices]", "The file has no [Indices] section.");
                return null;
            }
            return _indexColumns is { Refused: true } ? null : _indices;
        }

        /// <summary>Resolves <c>i7-i5</c> (or a lone i7) against the kit's indices; names may themselves contain '-'.</summary>
        private List<KitWell> ResolveWells(List<RawWell> raw)
        {
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
                    var first = string.Create(CultureInfo.InvariantCulture, $"line {firstLine[normalized!]}");
                    Check(well.Line, "FixedIndexPosition", IndexKitRules.DuplicateWell(normalized!, first));
                    continue;
                }
                if (Pair(well.Value) is { } pair)
                {
                    wells.Add(new KitWell(normalized!, pair.I7, pair.I5));
                }
                else
                {
                    _errors.Add(well.Line, "FixedIndexPosition", _errors.Lists(well.Line)
                        ? $"The well {normalized} names '{Shown(well.Value)}', which is not an i7 index or an i7-i5 pair of this kit." : null);
                }
            }
            return wells;
        }

        /// <summary>A value as an error message quotes it: at most 60 characters.</summary>
        private static string Shown(string value) => value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 57), "…");

        private (string I7, string? I5)? Pair(string value)
        {
            // Index names are at most MaxIndexNameLength characters: anything longer than "i7-i5" can be names no index,
            // and trying each of its dashes would cost its length squared.
            if (value.Length > 2 * IndexKitRules.MaxIndexNameLength + 1)
            {
                return null;
            }
            var (i7, i5) = (_names[0].GetAlternateLookup<ReadOnlySpan<char>>(), _names[1].GetAlternateLookup<ReadOnlySpan<char>>());
            for (var dash = value.IndexOf('-', StringComparison.Ordinal); dash > 0; dash = value.IndexOf('-', dash + 1))
            {
                if (i7.ContainsKey(value.AsSpan(0, dash)) && i5.ContainsKey(value.AsSpan(dash + 1)))
                {
                    return (value[..dash], value[(dash + 1)..]);
                }
            }
            return i7.ContainsKey(value) ? (value, null) : null;
        }

        /// <summary>Illumina's IndexStrategy mapped to ours; DualOnly on a fixed plate pairing each index once is unique_dual.</summary>
        private string? Strategy((int Line, string Value)? indexStrategy, bool fixedLayout, List<KitWell> wells)
        {
            var (line, value) = indexStrategy ?? (_sectionLines[IndexKitSection], "");
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

        private KitError ToFileError(KitError error, Header header, Resources resources) => error.Field switch
        {
            "strategy" => new KitError(header.IndexStrategy?.Line ?? header.Line, "IndexStrategy", error.Message),
            "fixedLayout" => new KitError(resources.FixedLayout?.Line ?? SectionLine(ResourcesSection), "FixedLayout", error.Message),
            "wells" => new KitError(SectionLine(ResourcesSection), "FixedIndexPosition", error.Message),
            _ => new KitError(SectionLine(IndicesSection), "[Indices]", error.Message),
        };

        private int? SectionLine(string name) => _sectionLines.TryGetValue(name, out var line) ? line : null;

        private bool Check(int line, string field, string? message)
        {
            if (message is null)
            {
                return true;
            }
            _errors.Add(line, field, message);
            return false;
        }
    }

    /// <summary>A section header's columns, or its refusal (the row was not the header).</summary>
    private sealed class Columns(int[] columns)
    {
        public static readonly Columns Refusal = new([]);

        public bool Refused => columns.Length == 0;

        public int this[int name] => columns[name];
    }

    /// <summary>
    /// The current line's cells: split at tabs, each trimmed, trailing empty cells dropped; slices of the text kept as
    /// offsets in one buffer that every line reuses.
    /// </summary>
    private sealed class Cells(string text)
    {
        private (int Start, int Length)[] _cells = new (int, int)[8];

        public int Count { get; private set; }

        public ReadOnlySpan<char> this[int column] => text.AsSpan(_cells[column].Start, _cells[column].Length);

        /// <summary>A cell, or empty for a column past the row's last cell.</summary>
        public ReadOnlySpan<char> Cell(int column) => column >= 0 && column < Count ? this[column] : [];

        public void Split(int start, int end)
        {
            Count = 0;
            for (var at = start; ; )
            {
                var tab = text.AsSpan(at, end - at).IndexOf('\t');
                var cellEnd = tab < 0 ? end : at + tab;
                var cell = text.AsSpan(at, cellEnd - at);
                var trimmed = cell.Trim();
                if (Count == _cells.Length)
                {
                    Array.Resize(ref _cells, 2 * Count);
                }
                _cells[Count++] = (trimmed.IsEmpty ? at : at + cell.Length - cell.TrimStart().Length, trimmed.Length);
                if (tab < 0)
                {
                    break;
                }
                at = cellEnd + 1;
            }
            while (Count > 0 && _cells[Count - 1].Length == 0)
            {
                Count--;
            }
        }
    }

    /// <summary>
    /// Errors as they are found, keeping only the first <see cref="MaxErrors"/> by line (errors of the whole file, without
    /// a line, first; equal lines in the order found): a file of a million bad rows costs a count, not a million
    /// messages. Callers build a message only when <see cref="Lists"/> says it would be kept, and pass null otherwise.
    /// </summary>
    private sealed class KitErrors
    {
        private readonly List<KitError> _kept = new(MaxErrors + 1);

        public int Count { get; private set; }

        /// <summary>Whether an error at <paramref name="line"/> found now is among the first <see cref="MaxErrors"/>.</summary>
        public bool Lists(int? line) => _kept.Count < MaxErrors || (line ?? 0) < (_kept[^1].Line ?? 0);

        public void Add(int? line, string field, string? message)
        {
            Count++;
            if (!Lists(line))
            {
                return;
            }
            var at = _kept.Count;
            while (at > 0 && (_kept[at - 1].Line ?? 0) > (line ?? 0))
            {
                at--;
            }
            _kept.Insert(at, new KitError(line, field, message ?? throw new InvalidOperationException("A listed error has a message.")));
            if (_kept.Count > MaxErrors)
            {
                _kept.RemoveAt(MaxErrors);
            }
        }

        public List<KitError> First() => [.. _kept];
    }
}
