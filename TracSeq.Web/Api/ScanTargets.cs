using System.Net;
using System.Text.Json;

namespace TracSeq.Web.Api;

/// <summary>What a scanned barcode opens: a sample, a storage location, a library or a pool.</summary>
public static class ScanTargets
{
    public static Task<string?> ResolveAsync(GatewayClient gateway, string barcode) =>
        ResolveAsync(async path => await gateway.GetAsync<JsonElement>(path) is { Ok: true } found ? found.Value : null, barcode);

    /// <summary>The page for <paramref name="barcode"/>; <paramref name="get"/> reads a gateway path (null when not found).</summary>
    public static async Task<string?> ResolveAsync(Func<string, Task<JsonElement?>> get, string barcode)
    {
        var escaped = Uri.EscapeDataString(barcode);
        if (barcode.StartsWith("TS-LIB-", StringComparison.Ordinal))
        {
            return await FirstExactAsync(get, $"/api/libraries?q={escaped}&pageSize=5", barcode, "/sequencing/libraries/");
        }
        if (barcode.StartsWith("TS-POOL-", StringComparison.Ordinal))
        {
            return await FirstExactAsync(get, $"/api/pools?q={escaped}&pageSize=5", barcode, "/sequencing/pools/");
        }
        // Location barcodes default to LOC-nnnnn but may be anything; samples are far more often scanned.
        if (await get($"/api/samples/by-barcode/{escaped}") is { } sample)
        {
            return $"/samples/{sample.GetProperty("id").GetString()}";
        }
        return await get($"/api/storage/locations/by-barcode/{escaped}") is { } location ? $"/storage/{location.GetProperty("id").GetString()}" : null;
    }

    private static async Task<string?> FirstExactAsync(Func<string, Task<JsonElement?>> get, string path, string barcode, string pagePrefix)
    {
        var page = await get(path);
        if (page is not { ValueKind: JsonValueKind.Object } found || !found.TryGetProperty("items", out var items))
        {
            return null;
        }
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("barcode", out var b) && string.Equals(b.GetString(), barcode, StringComparison.OrdinalIgnoreCase))
            {
                return pagePrefix + item.GetProperty("id").GetString();
            }
        }
        return null;
    }
}
