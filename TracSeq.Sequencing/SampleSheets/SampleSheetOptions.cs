using System.Text.RegularExpressions;
using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.SampleSheets;

/// <summary>
/// What the v2 sheet's <c>[BCLConvert_Settings] SoftwareVersion</c> says: the BCL Convert version the instrument's
/// on-board analysis (NovaSeq X, NextSeq 1000/2000) or the facility's server runs. One default for every instrument,
/// overridden per instrument (configuration section <c>SampleSheets</c>, e.g. the environment variable
/// <c>SampleSheets__BclConvertVersionByInstrument__NovaSeqX=4.3.6</c>). Checked when the service starts.
/// </summary>
public sealed partial class SampleSheetOptions
{
    public const string Section = "SampleSheets";

    /// <summary>The default: a BCL Convert release that reads every setting TracSeq writes (per-sample OverrideCycles needs 4.1+).</summary>
    public const string DefaultBclConvertVersion = "4.2.7";

    public string BclConvertVersion { get; set; } = DefaultBclConvertVersion;

    /// <summary>Instrument identifier (as the API spells it, e.g. <c>NovaSeqX</c>) → version.</summary>
    public Dictionary<string, string> BclConvertVersionByInstrument { get; set; } = new(StringComparer.Ordinal);

    public string BclConvertVersionFor(string instrument) =>
        BclConvertVersionByInstrument.TryGetValue(instrument, out var version) && !string.IsNullOrWhiteSpace(version) ? version : BclConvertVersion;

    /// <summary>A version as Illumina numbers them: 2 to 4 dot-separated numbers (4.2.7).</summary>
    public static bool IsVersion(string? version) => version is not null && VersionPattern().IsMatch(version);

    /// <summary>Every configuration mistake (an unknown instrument, a version that is not a version); empty when fine.</summary>
    public IEnumerable<string> Errors()
    {
        if (!IsVersion(BclConvertVersion))
        {
            yield return $"{Section}:BclConvertVersion '{BclConvertVersion}' is not a version such as {DefaultBclConvertVersion}.";
        }
        foreach (var (instrument, version) in BclConvertVersionByInstrument)
        {
            if (!Instruments.IsKnown(instrument))
            {
                yield return $"{Section}:BclConvertVersionByInstrument names '{instrument}', which is not one of {string.Join(", ", Instruments.All)}.";
            }
            else if (!IsVersion(version))
            {
                yield return $"{Section}:BclConvertVersionByInstrument:{instrument} '{version}' is not a version such as {DefaultBclConvertVersion}.";
            }
        }
    }

    [GeneratedRegex(@"\A[0-9]{1,4}(\.[0-9]{1,4}){1,3}\z")]
    private static partial Regex VersionPattern();
}
