using Npgsql;
using TracSeq.Labels;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Labels;

/// <summary>The ids a print request names, checked for count, and how they become labels.</summary>
public sealed record AskedIds(IReadOnlyList<Guid> Samples, IReadOnlyList<Guid> Libraries, IReadOnlyList<Guid> Pools, IReadOnlyList<Guid> Locations)
{
    public static AskedIds From(LabelRequest request, ValidationErrors errors)
    {
        var asked = new AskedIds(request.SampleIds ?? [], request.LibraryIds ?? [], request.PoolIds ?? [], request.StorageLocationIds ?? []);
        foreach (var (field, ids) in new[]
            { ("sampleIds", asked.Samples), ("libraryIds", asked.Libraries), ("poolIds", asked.Pools), ("storageLocationIds", asked.Locations) })
        {
            errors.Check(ids.Count <= LabelOptions.MaxLabels, field, $"At most {LabelOptions.MaxLabels} labels per request.");
        }
        errors.Check(asked.Samples.Count + asked.Libraries.Count + asked.Pools.Count + asked.Locations.Count > 0, "sampleIds",
            "Name at least one of sampleIds, libraryIds, poolIds or storageLocationIds.");
        return asked;
    }

    /// <summary>
    /// The labels, samples first, then libraries, pools and each box's samples (with positions), or every id that is
    /// not known. Sequencing is asked only when libraries or pools are named.
    /// </summary>
    public async Task<(IReadOnlyList<LabelItem> Items, IReadOnlyList<Guid> Missing)> ReadAsync(
        NpgsqlDataSource db, SequencingLabelsClient sequencing, string? authorization, Guid[]? visible, CancellationToken ct)
    {
        var samples = Samples.Count > 0 ? await LabelStore.ByIdsAsync(db, Samples, visible, ct) : [];
        var fromSequencing = Libraries.Count + Pools.Count > 0
            ? await sequencing.ReadAsync(Libraries, Pools, authorization, ct)
            : new SequencingLabelItems([], []);
        var (boxed, missingLocations) = Locations.Count > 0
            ? await LabelStore.ByLocationsAsync(db, Locations, LabelOptions.MaxLabels + 1, visible, ct)
            : ([], []);
        var missing = Missing(Samples, samples.Select(s => s.Id))
            .Concat(Missing(Libraries, fromSequencing.Libraries.Select(l => l.Id)))
            .Concat(Missing(Pools, fromSequencing.Pools.Select(p => p.Id)))
            .Concat(missingLocations).ToList();
        List<LabelItem> items =
        [
            .. samples.Select(s => s.ToItem(withPosition: false)),
            .. fromSequencing.Libraries.Concat(fromSequencing.Pools)
                .Select(s => new LabelItem(s.Barcode, s.Name, s.ProjectCode, DateOnly.FromDateTime(s.CreatedAt))),
            .. boxed.Select(s => s.ToItem(withPosition: true)),
        ];
        return (items, missing);
    }

    private static IEnumerable<Guid> Missing(IReadOnlyList<Guid> asked, IEnumerable<Guid> found)
    {
        var known = found.ToHashSet();
        return asked.Where(id => !known.Contains(id)).Distinct();
    }
}
