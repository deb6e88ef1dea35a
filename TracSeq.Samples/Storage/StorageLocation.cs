using TracSeq.ServiceDefaults.Projects;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TracSeq.Samples.Storage;

/// <summary>A row of <c>storage_locations</c> with its path and occupancy.</summary>
public sealed class StorageLocation
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Barcode { get; init; } = "";
    public string Kind { get; init; } = "";
    public decimal? Temperature { get; init; }
    public Guid? ParentId { get; init; }
    public int? Rows { get; init; }
    public int? Columns { get; init; }
    public string Path { get; init; } = "";
    public long Capacity { get; init; }
    public long Occupied { get; init; }
    public long Samples { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    public bool IsBox => Kind == LocationKinds.Box;

    public StorageLocationDto ToDto() => new(Id, Name, Barcode, Kind, Temperature, ParentId, Rows, Columns, Path,
        new Occupancy(Capacity, Occupied, Capacity - Occupied, Samples), CreatedAt, UpdatedAt);
}

/// <summary>How full a location is: box positions at or below it, how many are taken, and all samples at or below it.</summary>
public sealed record Occupancy(long Capacity, long Occupied, long Free, long Samples);

public sealed record StorageLocationDto(
    Guid Id, string Name, string Barcode, string Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns,
    string Path, Occupancy Occupancy, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A sample as a location lists it. A sample of a project the caller cannot see is an occupied position
/// only: every field but <c>position</c> is null (no id, barcode or name to follow).</summary>
public sealed record StoredSample(Guid? Id, string? Barcode, string? Name, string? SampleType, string? Status, string? Position)
{
    public static StoredSample Occupied(string? position) => new(null, null, null, null, null, position);
}

/// <summary>A stored sample as read, with its project for the visibility check.</summary>
public sealed record StoredSampleRow(Guid Id, string Barcode, string Name, string SampleType, string Status, string? Position, Guid ProjectId)
{
    public StoredSample For(ProjectAccess? access) =>
        access is null || access.CanSee(ProjectId) ? new(Id, Barcode, Name, SampleType, Status, Position) : StoredSample.Occupied(Position);
}

/// <summary>One location with what is directly inside it: child locations and samples.</summary>
public sealed record StorageLocationDetailDto(
    Guid Id, string Name, string Barcode, string Kind, decimal? Temperature, Guid? ParentId, int? Rows, int? Columns,
    string Path, Occupancy Occupancy, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<StorageLocationDto> Children, IReadOnlyList<StoredSample> Contents, bool ContentsTruncated)
{
    public static StorageLocationDetailDto From(StorageLocation l, IReadOnlyList<StorageLocationDto> children,
        IReadOnlyList<StoredSample> contents, bool truncated)
    {
        var dto = l.ToDto();
        return new(dto.Id, dto.Name, dto.Barcode, dto.Kind, dto.Temperature, dto.ParentId, dto.Rows, dto.Columns, dto.Path,
            dto.Occupancy, dto.CreatedAt, dto.UpdatedAt, children, contents, truncated);
    }
}

/// <summary>The kinds of place, largest first; a location can only sit inside a larger kind.</summary>
public static class LocationKinds
{
    public const string Room = "room";
    public const string Freezer = "freezer";
    public const string Fridge = "fridge";
    public const string Shelf = "shelf";
    public const string Rack = "rack";
    public const string Box = "box";

    public static readonly IReadOnlyList<string> All = [Room, Freezer, Fridge, Shelf, Rack, Box];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);

    private static int Rank(string kind) => kind switch
    {
        Room => 0,
        Freezer or Fridge => 1,
        Shelf => 2,
        Rack => 3,
        _ => 4,
    };

    /// <summary>A freezer in a room, a rack in a freezer, a box on a shelf; never a room in a box.</summary>
    public static bool CanContain(string parent, string child) => Rank(parent) < Rank(child);
}

/// <summary>Box positions: a row letter and a column number, <c>A1</c> to e.g. <c>H12</c>, within the box's size.</summary>
public static partial class Positions
{
    public const int MaxRows = 26;
    public const int MaxColumns = 99;

    [GeneratedRegex(@"\A([A-Za-z])0*([1-9][0-9]?)\z")]
    private static partial Regex Pattern();

    /// <summary>The position written canonically (<c>b07</c> → <c>B7</c>), or a message saying what is wrong.</summary>
    public static (string? Position, string? Problem) Parse(string position, int rows, int columns)
    {
        var match = Pattern().Match(position.Trim());
        if (!match.Success)
        {
            return (null, "position must be a row letter and a column number, such as B7.");
        }
        var row = char.ToUpperInvariant(match.Groups[1].Value[0]);
        var column = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var canonical = string.Create(CultureInfo.InvariantCulture, $"{row}{column}");
        return row - 'A' + 1 <= rows && column <= columns
            ? (canonical, null)
            : (null, $"position {canonical} is outside this {rows} × {columns} box ({Name(1, 1)} to {Name(rows, columns)}).");
    }

    public static string Name(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"{(char)('A' + row - 1)}{column}");

    /// <summary>Whether a canonical position fits a box of this size (for resizing a box that holds samples).</summary>
    public static bool Fits(string canonical, int rows, int columns) => Parse(canonical, rows, columns).Problem is null;
}
