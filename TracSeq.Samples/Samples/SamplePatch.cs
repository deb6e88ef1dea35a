using System.Text.Json;
using TracSeq.Samples.Audit;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Samples;

/// <summary>The editable fields of a sample after a PATCH, as the UPDATE writes them.</summary>
public sealed record SampleValues(
    Guid Id, string Name, string SampleType, string Barcode, decimal? Volume, decimal? Concentration, decimal? QualityScore,
    string? ProjectCode, DateTime? CollectedAt, string? Notes, string Metadata);

/// <summary>A PATCH of a sample: which fields were given, checked by the same rules as a new sample.</summary>
public sealed class SamplePatch
{
    private Optional<string?> _name;
    private Optional<string?> _sampleType;
    private Optional<string?> _barcode;
    private Optional<decimal?> _volume;
    private Optional<decimal?> _concentration;
    private Optional<decimal?> _qualityScore;
    private Optional<string?> _projectCode;
    private Optional<DateTimeOffset?> _collectedAt;
    private Optional<string?> _notes;
    private Optional<JsonElement?> _metadata;

    public static SamplePatch Read(JsonElement body, ValidationErrors errors, DateTimeOffset now)
    {
        var b = PatchBody.Open(body, errors);
        var p = new SamplePatch
        {
            _name = b.Text("name", SampleLimits.MaxNameLength, nullable: false),
            _sampleType = b.Text("sampleType", 50, nullable: false),
            _barcode = b.Text("barcode", BarcodeRules.MaxLength, nullable: false),
            _volume = b.Number("volume"),
            _concentration = b.Number("concentration"),
            _qualityScore = b.Number("qualityScore"),
            _projectCode = b.Text("projectCode", ProjectCodes.MaxLength, nullable: false), // every sample has a project: move it, never clear it
            _collectedAt = b.Time("collectedAt"),
            _notes = b.Text("notes", SampleLimits.MaxNotesLength),
            _metadata = b.Json("metadata"),
        };
        RefuseOthers(b, body, errors);
        p.Check(errors, now);
        return p;
    }

    /// <summary>Status and location have endpoints of their own; any other field is unknown.</summary>
    private static void RefuseOthers(PatchBody b, JsonElement body, ValidationErrors errors)
    {
        b.Refuse("status", "Change the status with POST /api/samples/{id}/status.");
        foreach (var field in new[] { "location", "locationId", "position" })
        {
            b.Refuse(field, "Move a sample with PUT /api/samples/{id}/location.");
        }
        b.RefuseUnknown();
        if (body.ValueKind == JsonValueKind.Object && b.IsEmpty)
        {
            errors.Add("body", "Give at least one field to change.");
        }
    }

    /// <summary>The given fields, by the same rules as a new sample.</summary>
    private void Check(ValidationErrors errors, DateTimeOffset now)
    {
        if (_sampleType.Value is { } type)
        {
            errors.Check(SampleTypes.IsKnown(type), "sampleType", $"sampleType must be one of: {string.Join(", ", SampleTypes.All)}.");
        }
        if (_barcode.Value is { } barcode && Barcodes.Problem(barcode, "barcode") is { } problem)
        {
            errors.Add("barcode", problem);
        }
        errors.CheckAmount("volume", _volume.Value, SampleLimits.MaxVolume)
              .CheckAmount("concentration", _concentration.Value, SampleLimits.MaxConcentration)
              .CheckAmount("qualityScore", _qualityScore.Value, SampleLimits.MaxQualityScore)
              .CheckProjectCode("projectCode", _projectCode.Value)
              .CheckCollectedAt("collectedAt", _collectedAt.Value, now)
              .CheckMetadata("metadata", _metadata.Value);
    }

    /// <summary>The sample's values after this patch, and each field that really changed (old → new).</summary>
    public (SampleValues Values, List<SampleChange> Changes) ApplyTo(Sample current)
    {
        var changes = new List<SampleChange>();
        T Pick<T>(string field, Optional<T> given, T old)
        {
            if (!given.IsSet || EqualityComparer<T>.Default.Equals(given.Value, old))
            {
                return old;
            }
            changes.Add(new SampleChange(field, old, given.Value));
            return given.Value;
        }

        var name = Pick("name", Trimmed(_name), current.Name);
        var sampleType = Pick("sampleType", _sampleType.IsSet ? new Optional<string>(true, _sampleType.Value!) : default, current.SampleType);
        var barcode = Pick("barcode", _barcode.IsSet ? new Optional<string>(true, _barcode.Value!) : default, current.Barcode);
        var volume = Pick("volume", _volume, current.Volume);
        var concentration = Pick("concentration", _concentration, current.Concentration);
        var qualityScore = Pick("qualityScore", _qualityScore, current.QualityScore);
        var projectCode = Pick("projectCode", _projectCode, current.ProjectCode);
        var collectedAt = Pick(
            "collectedAt", _collectedAt.IsSet ? new Optional<DateTime?>(true, _collectedAt.Value?.UtcDateTime) : default, current.CollectedAt);
        var notes = Pick("notes", _notes, current.Notes);

        var metadata = current.Metadata;
        if (_metadata.IsSet)
        {
            var old = Sample.ParseMetadata(current.Metadata);
            var given = _metadata.Value ?? Sample.ParseMetadata("{}"); // null clears to an empty object
            if (!JsonElement.DeepEquals(old, given))
            {
                changes.Add(new SampleChange("metadata", old, given));
                metadata = given.GetRawText();
            }
        }

        return (new SampleValues(
            current.Id, name, sampleType, barcode, volume, concentration, qualityScore, projectCode, collectedAt, notes, metadata), changes);
    }

    private static Optional<string> Trimmed(Optional<string?> value) =>
        value.IsSet ? new Optional<string>(true, value.Value!.Trim()) : default;
}
