namespace TracSeq.Contracts;

/// <summary>Limits a Sequencing run shares with Samples, so a run Sequencing plans is one Samples can move.</summary>
public static class SequencingLimits
{
    /// <summary>The most samples one run moves through <c>/internal/samples/run-status</c> in one all-or-nothing call.</summary>
    public const int MaxRunSamples = 10_000;
}
