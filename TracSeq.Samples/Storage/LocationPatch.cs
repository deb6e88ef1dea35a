using System.Text.Json;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Storage;

/// <summary>A merge patch of a storage location: which fields were given, each checked on its own.</summary>
public sealed record LocationPatch(
    Optional<string?> Name, Optional<string?> Barcode, Optional<decimal?> Temperature, Optional<Guid?> ParentId,
    Optional<int?> Rows, Optional<int?> Columns)
{
    public static LocationPatch Read(JsonElement body, ValidationErrors errors)
    {
        var patch = PatchBody.Open(body, errors);
        var read = new LocationPatch(
            patch.Text("name", StorageApi.MaxNameLength, nullable: false), patch.Text("barcode", 50, nullable: false),
            patch.Number("temperature"), patch.Id("parentId"), patch.Integer("rows"), patch.Integer("columns"));
        patch.Refuse("kind", "The kind of a location cannot change; create a new location instead.");
        patch.RefuseUnknown();
        if (body.ValueKind == JsonValueKind.Object && patch.IsEmpty)
        {
            errors.Add("body", "Give at least one field to change.");
        }
        errors.CheckBarcode(read.Barcode.Value).CheckTemperature(read.Temperature.Value);
        return read;
    }

    /// <summary>Samples at or below show the location's name, barcode and path: a change of any of them reaches them.</summary>
    public bool ChangesWhatSamplesShow => Name.IsSet || Barcode.IsSet || ParentId.IsSet;

    public bool Resizes => Rows.IsSet || Columns.IsSet;

    /// <summary>Whether the patch moves the location under another parent.</summary>
    public bool Moves(StorageLocation current) => ParentId.IsSet && ParentId.Value is { } parent && parent != current.ParentId;

    public LocationValues ApplyTo(StorageLocation current) => new(
        current.Id, Name.IsSet ? Name.Value!.Trim() : current.Name, Barcode.Or(current.Barcode)!, current.Kind,
        Temperature.Or(current.Temperature), ParentId.Or(current.ParentId), Rows.Or(current.Rows), Columns.Or(current.Columns));
}
