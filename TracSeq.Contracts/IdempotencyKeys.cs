namespace TracSeq.Contracts;

/// <summary>The <c>Idempotency-Key</c> header: what makes a retried create or upload happen once.</summary>
public static class IdempotencyKeys
{
    public const string HeaderName = "Idempotency-Key";
    /// <summary>Answered as <c>true</c> when the response is the stored answer of an earlier request with the same key.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const int MaxLength = 200;

    /// <summary>1 to 200 printable ASCII characters without spaces, like a correlation id.</summary>
    public static bool IsValid(string key) => key.Length is > 0 and <= MaxLength && key.All(c => c is > ' ' and < '\u007f');

    public static readonly string Problem = $"{HeaderName} must be 1 to {MaxLength} printable characters without spaces.";
}
