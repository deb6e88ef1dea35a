using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Samples;

/// <summary>A new sample, as a client or a submission sends it. Volume in µL, concentration in ng/µL.</summary>
public sealed record CreateSampleRequest(
    string? Name, string? SampleType, string? Barcode, decimal? Volume, decimal? Concentration, decimal? QualityScore,
    string? ProjectCode, DateTimeOffset? CollectedAt, string? Notes, JsonElement? Metadata);

/// <summary>What a sample's fields may hold; shared by create, batch create and edit so they can never disagree.</summary>
public static partial class SampleRules
{
    public const int MaxNameLength = 200;
    public const int MaxNotesLength = 4000;
    public const int MaxMetadataLength = 16 * 1024;
    public const int MaxMetadataKeys = 100;
    public const int MaxMetadataKeyLength = 100;
    public const decimal MaxVolume = 1_000_000m;        // µL: a litre
    public const decimal MaxConcentration = 1_000_000m; // ng/µL
    public const decimal MaxQualityScore = 100m;        // RIN, DIN, percentages: all fit in 0..100
    public static readonly TimeSpan CollectedAtSkew = TimeSpan.FromMinutes(5);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")]
    private static partial Regex ProjectCodePattern();

    /// <summary>Checks a new sample; <paramref name="prefix"/> names it inside a batch (<c>samples[3].</c>).</summary>
    public static ValidationErrors CheckNew(this ValidationErrors errors, CreateSampleRequest? request, string prefix, DateTimeOffset now)
    {
        if (request is null)
        {
            return errors.Add(prefix.TrimEnd('.'), "A sample is required here.");
        }
        errors.Text(prefix + "name", request.Name, MaxNameLength)
              .Check(SampleTypes.IsKnown(request.SampleType), prefix + "sampleType", $"sampleType must be one of: {string.Join(", ", SampleTypes.All)}.");
        if (request.Barcode is not null && Barcodes.Problem(request.Barcode, "barcode") is { } barcodeProblem)
        {
            errors.Add(prefix + "barcode", barcodeProblem);
        }
        return errors
            .CheckAmount(prefix + "volume", request.Volume, MaxVolume)
            .CheckAmount(prefix + "concentration", request.Concentration, MaxConcentration)
            .CheckAmount(prefix + "qualityScore", request.QualityScore, MaxQualityScore)
            .CheckProjectCode(prefix + "projectCode", request.ProjectCode)
            .CheckCollectedAt(prefix + "collectedAt", request.CollectedAt, now)
            .Text(prefix + "notes", request.Notes, MaxNotesLength, required: false)
            .CheckMetadata(prefix + "metadata", request.Metadata);
    }

    public static ValidationErrors CheckAmount(this ValidationErrors errors, string field, decimal? value, decimal max) =>
        errors.Check(value is null || (value >= 0 && value <= max), field, $"{field} must be between 0 and {max}.");

    public static ValidationErrors CheckProjectCode(this ValidationErrors errors, string field, string? value) =>
        errors.Check(value is null || ProjectCodePattern().IsMatch(value), field,
            $"{field} must be 1 to 50 letters, digits, dots, hyphens or underscores, starting with a letter or digit.");

    public static ValidationErrors CheckCollectedAt(this ValidationErrors errors, string field, DateTimeOffset? value, DateTimeOffset now) =>
        errors.Check(value is null || (value <= now + CollectedAtSkew && value.Value.Year >= 1900), field,
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
            .Check(metadata.GetRawText().Length <= MaxMetadataLength, field, $"{field} must be at most {MaxMetadataLength} characters of JSON.")
            .Check(keys.Count <= MaxMetadataKeys, field, $"{field} may have at most {MaxMetadataKeys} keys.")
            .Check(keys.All(k => k.Trim().Length is > 0 and <= MaxMetadataKeyLength), field,
                $"{field} keys must be 1 to {MaxMetadataKeyLength} characters.")
            .Check(keys.Distinct(StringComparer.Ordinal).Count() == keys.Count, field, $"{field} has a key twice.");
    }

    /// <summary>Metadata as stored: the object's JSON, or an empty object.</summary>
    public static string MetadataJson(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } metadata ? metadata.GetRawText() : "{}";
}
