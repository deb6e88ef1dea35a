using System.Text.Json;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples;

/// <summary>A field of a PATCH body: left out (unchanged) or given (possibly null, which clears it).</summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public T Or(T current) => IsSet ? Value : current;
}

/// <summary>
/// Reads a PATCH body in JSON merge-patch style: a property left out stays as it is, <c>null</c> clears it. Every
/// type mistake becomes a field error (not a generic 400), and properties nobody reads are refused, so a typo
/// never looks like a successful edit.
/// </summary>
public sealed class PatchBody
{
    private readonly Dictionary<string, JsonProperty> _properties = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);
    private readonly ValidationErrors _errors;

    private PatchBody(ValidationErrors errors) => _errors = errors;

    public bool IsEmpty => _properties.Count == 0;

    public static PatchBody Open(JsonElement body, ValidationErrors errors)
    {
        var patch = new PatchBody(errors);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object of the fields to change.");
            return patch;
        }
        foreach (var property in body.EnumerateObject())
        {
            if (!patch._properties.TryAdd(property.Name, property))
            {
                errors.Add(property.Name, $"{property.Name} is given twice.");
            }
        }
        return patch;
    }

    public Optional<string?> Text(string field, int maxLength, bool nullable = true) => Read(field, value =>
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return Fail<string?>(field, nullable ? null : $"{field} cannot be cleared.", null);
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            return Fail<string?>(field, $"{field} must be a string.", null);
        }
        var text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? Fail<string?>(field, $"{field} cannot be blank.", null)
            : text.Length > maxLength ? Fail<string?>(field, $"{field} must be at most {maxLength} characters.", null)
            : text;
    });

    public Optional<decimal?> Number(string field) => Read<decimal?>(field, value =>
        value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) ? number
        : Fail<decimal?>(field, $"{field} must be a number or null.", null));

    public Optional<int?> Integer(string field) => Read<int?>(field, value =>
        value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : Fail<int?>(field, $"{field} must be a whole number or null.", null));

    public Optional<DateTimeOffset?> Time(string field) => Read<DateTimeOffset?>(field, value =>
        value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time
        : Fail<DateTimeOffset?>(field, $"{field} must be an ISO 8601 date and time or null.", null));

    public Optional<Guid?> Id(string field) => Read<Guid?>(field, value =>
        value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id
        : Fail<Guid?>(field, $"{field} must be an id or null.", null));

    public Optional<bool> Flag(string field) => Read(field, value =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : Fail(field, $"{field} must be true or false.", false));

    public Optional<JsonElement?> Json(string field) => Read<JsonElement?>(field, value =>
        value.ValueKind == JsonValueKind.Null ? null : value.Clone());

    /// <summary>A field that exists on the resource but is changed elsewhere (status, location).</summary>
    public void Refuse(string field, string message)
    {
        if (_properties.ContainsKey(field))
        {
            _read.Add(field);
            _errors.Add(field, message);
        }
    }

    /// <summary>Call last: every property no reader asked for is an error.</summary>
    public void RefuseUnknown()
    {
        foreach (var name in _properties.Keys.Where(name => !_read.Contains(name)))
        {
            _errors.Add(name, $"{name} is not a field that can be changed here.");
        }
    }

    private Optional<T> Read<T>(string field, Func<JsonElement, T> read)
    {
        _read.Add(field);
        return _properties.TryGetValue(field, out var property) ? new Optional<T>(true, read(property.Value)) : default;
    }

    private T Fail<T>(string field, string? message, T fallback)
    {
        if (message is not null)
        {
            _errors.Add(field, message);
        }
        return fallback;
    }
}
