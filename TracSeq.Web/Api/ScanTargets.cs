using System.Net;
using System.Text.Json;

namespace TracSeq.Web.Api;

/// <summary>What a scanned barcode opens: a sample, a storage location, a library or a pool.</summary>
public static class ScanTargets
{
    public static async Task<string?> ResolveAsync(GatewayClient gateway, string barcode)
    {
        var escaped = Uri.EscapeDataString(barcode);
        if (barcode.StartsWith("TS-LIB-", StringComparison.Ordinal))
        {
            return await FirstExactAsync(gateway, $"/api/libraries?q={escaped}&pageSize=5", barcode, "/sequencing/libraries/");
        }
        if (barcode.StartsWith("TS-POOL-", StringComparison.Ordinal))
        {
            return await FirstExactAsync(gateway, $"/api/pools?q={escaped}&pageSize=5", barcode, "/sequencing/pools/");
        }
        // Location barcodes default to LOC-nnnnn but may be anything; samples are far more often scanned.
        var sample = await gateway.GetAsync<JsonElement>($"/api/samples/by-barcode/{escaped}");
        if (sample.Ok)
        {
            return $"/samples/{sample.Value.GetProperty("id").GetString()}";
        }
        var location = await gateway.GetAsync<JsonElement>($"/api/storage/locations/by-barcode/{escaped}");
        return location.Ok ? $"/storage/{location.Value.GetProperty("id").GetString()}" : null;
    }

    private static async Task<string?> FirstExactAsync(GatewayClient gateway, string path, string barcode, string pagePrefix)
    {
        var page = await gateway.GetAsync<JsonElement>(path);
        if (!page.Ok || page.Value.ValueKind != JsonValueKind.Object || !page.Value.TryGetProperty("items", out var items))
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
