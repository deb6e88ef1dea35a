using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Outbox;

namespace TracSeq.Samples.Samples;

/// <summary>Samples' webhook events, each carrying the sample's project code for project-scoped subscriptions.</summary>
public static class SampleWebhookEvents
{
    public static OutboxEvent Created(NewSample s) =>
        OutboxEvent.Create(WebhookEventTypes.SampleCreated,
            new SampleCreatedData(s.Id, s.Barcode, s.SampleType, SampleStatus.Pending, s.ProjectCode, s.SubmissionId), s.ProjectCode);

    public static IReadOnlyCollection<OutboxEvent> Created(IEnumerable<NewSample> samples) => [.. samples.Select(Created)];

    public static IReadOnlyCollection<OutboxEvent> StatusChanged(IEnumerable<Sample> samples, string to) =>
        [.. samples.Select(s => OutboxEvent.Create(WebhookEventTypes.SampleStatusChanged,
            new SampleStatusChangedData(s.Id, s.Barcode, s.Status, to, s.ProjectCode), s.ProjectCode))];
}
