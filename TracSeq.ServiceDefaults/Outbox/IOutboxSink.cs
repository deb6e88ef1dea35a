using Npgsql;

namespace TracSeq.ServiceDefaults.Outbox;

/// <summary>
/// Where <see cref="OutboxRelay"/> hands a batch of events: Samples fans them out into deliveries in the same
/// transaction; Templates and Sequencing post them to Samples. Throwing leaves the batch in the outbox for the next try.
/// </summary>
public interface IOutboxSink
{
    Task SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxEvent> events, CancellationToken ct);

    /// <summary>Called once the batch's transaction has committed: what the sink wrote is visible to others from now.</summary>
    void Committed()
    {
    }
}
