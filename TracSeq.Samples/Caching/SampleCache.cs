using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Prometheus;
using StackExchange.Redis;
using TracSeq.ServiceDefaults.Telemetry;
using TracSeq.Samples.Samples;

namespace TracSeq.Samples.Caching;

/// <summary>A sample's identity in the cache: its id, the version that changed, and every barcode it was known by.</summary>
public readonly record struct CachedSampleKey(Guid Id, int Version, IReadOnlyList<string> Barcodes);

/// <summary>
/// A cached sample as the API answers it: its version (for the ETag), its project (for the membership check, which
/// every hit passes before it is served) and its JSON, UTF-8, exactly as <c>Ok&lt;SampleDto&gt;</c> writes it (same
/// serializer defaults), so a hit is written out without being parsed.
/// </summary>
public readonly record struct CachedSample(int Version, Guid ProjectId, ReadOnlyMemory<byte> Json);

/// <summary>
/// Read cache of samples by id and by barcode in Redis. PostgreSQL stays the truth: every read falls back to it and
/// every write commits there first; Redis being down only costs speed.
/// <para>
/// Entries are <c>{version}|{projectId:N}{json}</c> (the project id is 32 hex digits, so no parse of the JSON is
/// needed for the membership check; an entry written before projects existed does not parse and is read again).
/// A change writes a tombstone <c>{version}|</c> carrying the new version, and
/// both tombstones and fills go through one script that never lets an older version replace a newer one; so a read
/// that started before a change cannot put the old sample back afterwards.
/// </para>
/// <para>
/// A change whose tombstone cannot reach Redis (Redis down or slow) is remembered here and delivered once Redis is
/// back; until then its keys are read from PostgreSQL, so an entry Redis kept across its restart is never served.
/// </para>
/// </summary>
public sealed class SampleCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string SetIfNotOlderScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
          local version = tonumber(string.match(current, '^(%d+)|'))
          if version and version > tonumber(ARGV[1]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    private static readonly RedisValue LifetimeMs = (long)Lifetime.TotalMilliseconds;

    private static readonly Counter Lookups = Metrics.CreateCounter(
        "tracseq_sample_cache_lookups_total", "Sample reads by cache outcome (hit, miss, bypass when Redis or an invalidation is pending).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<SampleCache> _logger;
    private readonly OutageWarning _unavailable;
    private readonly OutageWarning _deferred;
    private readonly JsonSerializerOptions _json;
    private readonly ConcurrentDictionary<string, int> _undelivered = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _delivering = new(1, 1);

    public SampleCache(IConnectionMultiplexer redis, IOptions<JsonOptions> json, ILogger<SampleCache> logger)
    {
        _redis = redis;
        _logger = logger;
        _unavailable = new OutageWarning(logger, "Sample cache unavailable, reading from PostgreSQL");
        _deferred = new OutageWarning(logger, "Sample cache invalidations deferred until Redis is back");
        // The options the API answers with: a cache hit is written out as stored, so it must be the same JSON a read
        // from PostgreSQL answers.
        _json = json.Value.SerializerOptions;
        _redis.ConnectionRestored += (_, _) => _ = DeliverUndeliveredAsync();
    }

    public static string IdKey(Guid id) => $"samples:id:{id:N}";

    public static string BarcodeKey(string barcode) => $"samples:barcode:{barcode}";

    public Task<CachedSample?> GetByIdAsync(Guid id) => GetAsync(IdKey(id));

    public Task<CachedSample?> GetByBarcodeAsync(string barcode) => GetAsync(BarcodeKey(barcode));

    /// <summary>Fills the cache after a read from PostgreSQL, unless a newer version is already there.</summary>
    public async Task StoreAsync(SampleDto sample)
    {
        var keys = new[] { IdKey(sample.Id), BarcodeKey(sample.Barcode) };
        if (!await IsUsableAsync(keys))
        {
            return;
        }
        var json = EntryBody(sample.ProjectId, JsonSerializer.SerializeToUtf8Bytes(sample, _json));
        try
        {
            var db = _redis.GetDatabase();
            await Task.WhenAll(keys.Select(key => SetIfNotOlderAsync(db, key, sample.Version, json)));
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            _logger.LogDebug("Sample cache fill skipped: {Message}", ex.Message);
        }
    }

    /// <summary>After a committed change: no copy older than <see cref="CachedSampleKey.Version"/> will be served again.</summary>
    public Task InvalidateAsync(IEnumerable<CachedSampleKey> changed) =>
        DeliverAsync(changed.SelectMany(c => c.Barcodes.Select(BarcodeKey).Prepend(IdKey(c.Id)).Select(key => (key, c.Version))).ToList());

    public Task InvalidateAsync(CachedSampleKey changed) => InvalidateAsync([changed]);

    private async Task<CachedSample?> GetAsync(string key)
    {
        if (!await IsUsableAsync([key]))
        {
            Lookups.WithLabels("bypass").Inc();
            return null;
        }
        try
        {
            var value = await _redis.GetDatabase().StringGetAsync(key);
            // The entry's bytes as they came from Redis: a hit is answered with them as they are. Parsing the JSON
            // into a SampleDto only to serialise it again cost every cached read CPU and garbage for the same bytes.
            if (!TryParseEntry(value.HasValue ? (ReadOnlyMemory<byte>)value : ReadOnlyMemory<byte>.Empty, out var sample))
            {
                Lookups.WithLabels("miss").Inc(); // absent, or a tombstone left by a change
                return null;
            }
            Lookups.WithLabels("hit").Inc();
            return sample;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Lookups.WithLabels("bypass").Inc();
            _unavailable.Write(ex.Message);
            return null;
        }
    }

    /// <summary><c>{version}|{projectId:N}{json}</c>: a sample; <c>{version}|</c> (a tombstone), empty or malformed: nothing to serve.</summary>
    public static bool TryParseEntry(ReadOnlyMemory<byte> entry, out CachedSample sample)
    {
        sample = default;
        var bar = entry.Span.IndexOf((byte)'|');
        if (bar <= 0 || entry.Length - bar - 1 <= ProjectIdLength
            || !int.TryParse(entry.Span[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !Utf8Parser.TryParse(entry.Span.Slice(bar + 1, ProjectIdLength), out Guid projectId, out var read, 'N')
            || read != ProjectIdLength)
        {
            return false;
        }
        sample = new CachedSample(version, projectId, entry[(bar + 1 + ProjectIdLength)..]);
        return true;
    }

    private const int ProjectIdLength = 32;

    /// <summary>What follows <c>{version}|</c> in an entry.</summary>
    public static byte[] EntryBody(Guid projectId, byte[] json)
    {
        var body = new byte[ProjectIdLength + json.Length];
        Utf8Formatter.TryFormat(projectId, body, out _, 'N');
        json.CopyTo(body, ProjectIdLength);
        return body;
    }

    private async Task<bool> IsUsableAsync(IReadOnlyCollection<string> keys)
    {
        // A disconnected multiplexer would queue the command until its timeout; skipping is instant.
        if (!_redis.IsConnected)
        {
            return false;
        }
        if (!_undelivered.IsEmpty)
        {
            await DeliverUndeliveredAsync();
        }
        return !keys.Any(_undelivered.ContainsKey);
    }

    private async Task DeliverAsync(List<(string Key, int Version)> tombstones)
    {
        if (tombstones.Count == 0)
        {
            return;
        }
        if (!_redis.IsConnected)
        {
            Remember(tombstones);
            return;
        }
        try
        {
            var db = _redis.GetDatabase();
            var batch = db.CreateBatch();
            var sent = tombstones.Select(t => SetIfNotOlderAsync(batch, t.Key, t.Version, "")).ToList();
            batch.Execute();
            await Task.WhenAll(sent);
            Forget(tombstones);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Remember(tombstones);
            _deferred.Write($"{tombstones.Count} keys: {ex.Message}");
        }
    }

    private async Task DeliverUndeliveredAsync()
    {
        if (_undelivered.IsEmpty || !_redis.IsConnected || !await _delivering.WaitAsync(0))
        {
            return;
        }
        try
        {
            await DeliverAsync(_undelivered.Select(e => (e.Key, e.Value)).ToList());
        }
        finally
        {
            _delivering.Release();
        }
    }

    private void Remember(IEnumerable<(string Key, int Version)> tombstones)
    {
        foreach (var (key, version) in tombstones)
        {
            _undelivered.AddOrUpdate(key, version, (_, known) => Math.Max(known, version));
        }
    }

    private void Forget(IEnumerable<(string Key, int Version)> delivered)
    {
        foreach (var (key, version) in delivered)
        {
            // Only if no newer change of the same key was remembered meanwhile.
            _undelivered.TryRemove(new KeyValuePair<string, int>(key, version));
        }
    }

    private static Task<RedisResult> SetIfNotOlderAsync(IDatabaseAsync db, string key, int version, RedisValue json) =>
        db.ScriptEvaluateAsync(SetIfNotOlderScript, [key], [version.ToString(CultureInfo.InvariantCulture), json, LifetimeMs]);

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;
}
