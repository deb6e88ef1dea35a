using Dapper;
using Npgsql;

namespace TracSeq.Templates.Templates;

/// <summary>Reads and writes a template together with its fields (they are one thing to every caller).</summary>
public static class TemplateStore
{
    private const string Columns =
        "id, lineage_id, version, name::text AS name, description, category, status, created_by, created_at, updated_at, published_at";

    public static async Task<Template?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null, bool forUpdate = false)
    {
        var template = await connection.QuerySingleOrDefaultAsync<Template>(
            $"SELECT {Columns} FROM templates WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}", new { id }, tx);
        if (template is not null)
        {
            template.Fields.AddRange(await connection.QueryAsync<TemplateField>(
                """
                SELECT template_id, position, key::text AS key, label, type, required, options, min, max, max_length, pattern, unit, maps_to
                FROM template_fields WHERE template_id = @id ORDER BY position
                """, new { id }, tx));
        }
        return template;
    }

    public static async Task<IReadOnlyList<Template>> ListAsync(NpgsqlConnection connection, string where, object parameters)
    {
        var templates = (await connection.QueryAsync<Template>(
            $"SELECT {Columns} FROM templates WHERE {where} ORDER BY name, lineage_id, version DESC LIMIT @limit OFFSET @offset", parameters)).ToList();
        var ids = templates.Select(t => t.Id).ToArray();
        var fields = (await connection.QueryAsync<TemplateField>(
            """
            SELECT template_id, position, key::text AS key, label, type, required, options, min, max, max_length, pattern, unit, maps_to
            FROM template_fields WHERE template_id = ANY(@ids) ORDER BY template_id, position
            """, new { ids })).ToLookup(f => f.TemplateId);
        foreach (var template in templates)
        {
            template.Fields.AddRange(fields[template.Id]);
        }
        return templates;
    }

    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Template t)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO templates (id, lineage_id, version, name, description, category, status, created_by, created_at, updated_at)
            VALUES (@Id, @LineageId, @Version, @Name, @Description, @Category, @Status, @CreatedBy, @CreatedAt, @UpdatedAt)
            """, t, tx);
        await InsertFieldsAsync(connection, tx, t.Fields);
    }

    public static async Task ReplaceFieldsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid templateId, IReadOnlyList<TemplateField> fields)
    {
        await connection.ExecuteAsync("DELETE FROM template_fields WHERE template_id = @templateId", new { templateId }, tx);
        await InsertFieldsAsync(connection, tx, fields);
    }

    private static Task InsertFieldsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<TemplateField> fields) =>
        connection.ExecuteAsync(
            """
            INSERT INTO template_fields (template_id, position, key, label, type, required, options, min, max, max_length, pattern, unit, maps_to)
            VALUES (@TemplateId, @Position, @Key, @Label, @Type, @Required, @Options, @Min, @Max, @MaxLength, @Pattern, @Unit, @MapsTo)
            """, fields, tx);
}
