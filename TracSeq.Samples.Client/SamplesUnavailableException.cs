namespace TracSeq.Samples.Client;

/// <summary>
/// Samples could not be asked, or answered in a way that says nothing about the request (5xx, timeout, a refusal
/// that names no row). The message says only what failed: hosts, ports and Samples' own body go to the log.
/// </summary>
public sealed class SamplesUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
