using Prometheus;

namespace TracSeq.Samples.Samples;

/// <summary>The business metrics dashboards and alerts read (names fixed by the product contract); status changes count in <c>StatusChanges</c>.</summary>
public static class SampleMetrics
{
    public static readonly Counter Created = Metrics.CreateCounter(
        "tracseq_samples_created_total", "Samples created, by sample type (single creates and submission batches).",
        new CounterConfiguration { LabelNames = ["sample_type"] });

    /// <summary>Publishes every series at zero from the start: rate() and increase() need the series before the first event.</summary>
    public static void PublishInitialSeries()
    {
        foreach (var type in SampleTypes.All)
        {
            Created.WithLabels(type);
        }
    }

    public static void CountCreated(IEnumerable<NewSample> samples)
    {
        foreach (var group in samples.GroupBy(s => s.SampleType))
        {
            Created.WithLabels(group.Key).Inc(group.Count());
        }
    }
}
