using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples.Projects;

/// <summary>A merge patch of a project: code, name, description, costCode, archived.</summary>
public sealed record ProjectPatch(
    Optional<string?> Code, Optional<string?> Name, Optional<string?> Description, Optional<string?> CostCode, Optional<bool> Archived)
{
    public static ProjectPatch Read(JsonElement body, ValidationErrors errors)
    {
        var b = PatchBody.Open(body, errors);
        var patch = new ProjectPatch(
            b.Text("code", ProjectCodes.NewMaxLength, nullable: false), b.Text("name", ProjectLimits.MaxNameLength, nullable: false),
            b.Text("description", ProjectLimits.MaxDescriptionLength), b.Text("costCode", ProjectLimits.MaxCostCodeLength),
            b.Flag("archived"));
        b.RefuseUnknown();
        errors.Check(!patch.Code.IsSet || patch.Code.Value is null || ProjectCodes.IsValidNew(patch.Code.Value), "code", ProjectCodes.NewRuleText);
        foreach (var (field, text) in new[] { ("name", patch.Name), ("description", patch.Description), ("costCode", patch.CostCode) })
        {
            errors.Check(text.Value is null || !ValidationErrors.HasControlCharacters(text.Value), field, $"{field} must not contain control characters.");
        }
        return patch;
    }

    /// <summary>Applies the patch under the row lock and audits it; a problem when it may not be applied.</summary>
    public static async Task<ProblemHttpResult?> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Project current, ProjectPatch patch, Actor actor)
    {
        var archived = patch.Archived.Or(current.Archived);
        var onlyArchiving = !patch.Code.IsSet && !patch.Name.IsSet && !patch.Description.IsSet && !patch.CostCode.IsSet;
        if (current.Archived && !onlyArchiving)
        {
            return ProjectProblems.Archived(current.Code);
        }
        var code = patch.Code.Or(current.Code)!;
        if (code != current.Code && await ProjectStore.HasSamplesAsync(connection, tx, current.Id))
        {
            return ProjectProblems.CodeFixed(current.Code);
        }
        var name = patch.Name.Or(current.Name)!.Trim();
        var description = patch.Description.Or(current.Description)?.Trim();
        var costCode = patch.CostCode.Or(current.CostCode)?.Trim();
        var changes = ChangesFrom(current, code, name, description, costCode, archived);
        if (changes.Count == 0)
        {
            return null;
        }
        try
        {
            await ProjectStore.UpdateAsync(connection, tx, current.Id, code, name, description, costCode, archived);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return ProjectProblems.CodeTaken(code);
        }
        var type = archived == current.Archived ? ProjectEventTypes.Updated
            : archived ? ProjectEventTypes.Archived : ProjectEventTypes.Unarchived;
        await ProjectStore.WriteEventAsync(connection, tx, actor, current.Id, type, null, changes);
        return null;
    }

    /// <summary>Each field that really changed, old → new, for the audit trail.</summary>
    private static List<SampleChange> ChangesFrom(Project current, string code, string name, string? description, string? costCode, bool archived)
    {
        var changes = new List<SampleChange>();
        Compare(changes, "code", current.Code, code);
        Compare(changes, "name", current.Name, name);
        Compare(changes, "description", current.Description, description);
        Compare(changes, "costCode", current.CostCode, costCode);
        if (archived != current.Archived)
        {
            changes.Add(new SampleChange("archived", current.Archived, archived));
        }
        return changes;
    }

    private static void Compare(List<SampleChange> changes, string field, string? old, string? now)
    {
        if (!string.Equals(old, now, StringComparison.Ordinal))
        {
            changes.Add(new SampleChange(field, old, now));
        }
    }
}
