using System.Text.Json;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Samples;

/// <summary>A new sample, as a client or a submission sends it. Volume in µL, concentration in ng/µL.</summary>
public sealed record CreateSampleRequest(
    string? Name, string? SampleType, string? Barcode, decimal? Volume, decimal? Concentration, decimal? QualityScore,
    string? ProjectCode, DateTimeOffset? CollectedAt, string? Notes, JsonElement? Metadata);

/// <summary>What a sample's fields may hold; used by create, batch create and edit so they can never disagree.
/// The numbers and patterns are the shared <see cref="SampleLimits"/>, <see cref="ProjectCodes"/> and <see cref="BarcodeRules"/>.</summary>
public static class SampleRules
{
    /// <summary>Checks a new sample; <paramref name="prefix"/> names it inside a batch (<c>samples[3].</c>).</summary>
    public static ValidationErrors CheckNew(this ValidationErrors errors, CreateSampleRequest? request, string prefix, DateTimeOffset now)
    {
        if (request is null)
        {
            return errors.Add(prefix.TrimEnd('.'), "A sample is required here.");
        }
        errors.Text(prefix + "name", request.Name, SampleLimits.MaxNameLength)
              .Check(SampleTypes.IsKnown(request.SampleType), prefix + "sampleType", $"sampleType must be one of: {string.Join(", ", SampleTypes.All)}.");
        if (request.Barcode is not null && Barcodes.Problem(request.Barcode, "barcode") is { } barcodeProblem)
        {
            errors.Add(prefix + "barcode", barcodeProblem);
        }
        return errors
            .CheckAmount(prefix + "volume", request.Volume, SampleLimits.MaxVolume)
            .CheckAmount(prefix + "concentration", request.Concentration, SampleLimits.MaxConcentration)
            .CheckAmount(prefix + "qualityScore", request.QualityScore, SampleLimits.MaxQualityScore)
            .CheckProjectCode(prefix + "projectCode", request.ProjectCode)
            .CheckCollectedAt(prefix + "collectedAt", request.CollectedAt, now)
            .Text(prefix + "notes", request.Notes, SampleLimits.MaxNotesLength, required: false)
            .CheckMetadata(prefix + "metadata", request.Metadata);
    }

    public static ValidationErrors CheckAmount(this ValidationErrors errors, string field, decimal? value, decimal max) =>
        errors.Check(value is null || SampleLimits.IsInRange(value.Value, max), field, $"{field} must be between 0 and {max}.");

    public static ValidationErrors CheckProjectCode(this ValidationErrors errors, string field, string? value) =>
        errors.Check(value is null || ProjectCodes.IsValid(value), field,
            $"{field} must be 1 to 50 letters, digits, dots, hyphens or underscores, starting with a letter or digit.");

    public static ValidationErrors CheckCollectedAt(this ValidationErrors errors, string field, DateTimeOffset? value, DateTimeOffset now) =>
        errors.Check(value is null || !(SampleLimits.IsCollectedAtInFuture(value.Value, now) || SampleLimits.IsCollectedAtTooEarly(value.Value)), field,
            $"{field} cannot be in the future or before 1900.");

    /// <summary>Metadata is a JSON object of bounded size: the columns of a submission that map to no sample field.</summary>
    public static ValidationErrors CheckMetadata(this ValidationErrors errors, string field, JsonElement? value)
    {
        if (value is not { } metadata || metadata.ValueKind == JsonValueKind.Null)
        {
            return errors;
        }
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return errors.Add(field, $"{field} must be a JSON object.");
        }
        var keys = metadata.EnumerateObject().Select(p => p.Name).ToList();
        return errors
            .Check(metadata.GetRawText().Length <= SampleLimits.MaxMetadataLength, field,
                $"{field} must be at most {SampleLimits.MaxMetadataLength} characters of JSON.")
            .Check(keys.Count <= SampleLimits.MaxMetadataKeys, field, $"{field} may have at most {SampleLimits.MaxMetadataKeys} keys.")
            .Check(keys.All(k => k.Trim().Length is > 0 and <= SampleLimits.MaxMetadataKeyLength), field,
                $"{field} keys must be 1 to {SampleLimits.MaxMetadataKeyLength} characters.")
            .Check(keys.Distinct(StringComparer.Ordinal).Count() == keys.Count, field, $"{field} has a key twice.");
    }

    /// <summary>Metadata as stored: the object's JSON, or an empty object.</summary>
    public static string MetadataJson(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } metadata ? metadata.GetRawText() : "{}";
}
