using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Templates.Templates;

namespace TracSeq.Templates.Submissions;

/// <summary>
/// A submission names its projects: a project column of the template (per row) and, for rows that leave it empty,
/// the form field <c>projectCode</c>. Anyone but facility staff may submit only into projects where they are owner or
/// member (403 naming the project, whether it exists or not); Samples then applies its own rules to every row.
/// </summary>
public static class SubmissionProjects
{
    public const string FormField = "projectCode";

    /// <summary>The form's project for every row that names none.</summary>
    public static ValidatedSheet WithDefault(ValidatedSheet sheet, string? code) =>
        code is null || sheet.Samples.All(s => s.ProjectCode is not null) ? sheet
            : sheet with { Samples = [.. sheet.Samples.Select(s => s.ProjectCode is null ? s with { ProjectCode = code } : s)] };

    /// <summary>The distinct projects the rows name, in sheet order.</summary>
    public static string[] Named(ValidatedSheet sheet) => [.. sheet.Samples.Select(s => s.ProjectCode).OfType<string>().Distinct(StringComparer.Ordinal)];

    public static ValidationErrors CheckFormProject(this ValidationErrors errors, string? code) =>
        errors.Check(code is null || ProjectCodes.IsValid(code), FormField,
            $"{FormField} '{code}' is not a valid project code: up to 50 letters, digits, dots, hyphens or underscores.");

    /// <summary>
    /// Only staff may leave a row's project out (the sample goes to UNASSIGNED): for anyone else each such row of an
    /// otherwise valid sheet becomes a row error, so the sheet is refused (422) with the rest of its report.
    /// </summary>
    public static ValidatedSheet WithMissingProjects(ProjectAccess access, ValidatedSheet sheet)
    {
        if (access.IsStaff || !sheet.IsValid || sheet.Samples.All(s => s.ProjectCode is not null))
        {
            return sheet;
        }
        var column = sheet.ColumnFor.GetValueOrDefault(SampleProperties.ProjectCode, FormField);
        var report = ErrorReport.Of(sheet.Rows, sheet.Samples.Select((s, i) => (s, i)).Where(x => x.s.ProjectCode is null)
            .Select(x => new SubmissionError(sheet.RowNumbers[x.i], column, null,
                $"Name the project: fill in {column}, or send the {FormField} form field for rows that leave it empty.")));
        return sheet with { Errors = report.Errors, ErrorsOmitted = report.Omitted, Rejected = report.Rejected };
    }

    /// <summary>
    /// Null when the caller may submit into every named project; else the 403 naming the first one they may not
    /// (counted: a viewer's as a viewer write, anything else as not a member).
    /// </summary>
    public static ProblemHttpResult? Refusal(ProjectAccess access, ValidatedSheet sheet, AuthorizationDenials denials)
    {
        if (access.IsStaff)
        {
            return null;
        }
        foreach (var code in Named(sheet))
        {
            var verdict = access.ProjectOfCode(code) is { } id ? access.Verdict(id) : ProjectVerdict.Invisible;
            if (verdict == ProjectVerdict.Act)
            {
                continue;
            }
            if (verdict == ProjectVerdict.ReadOnly)
            {
                denials.ViewerWrite();
            }
            else
            {
                denials.NotMemberOf(access.UserId);
            }
            return NotYours(code);
        }
        return null;
    }

    public static ProblemHttpResult NotYours(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "You may submit only into a project where you are a member or owner.", detail: code,
            extensions: new Dictionary<string, object?> { ["projectCode"] = code });

    /// <summary>Rule 1 for a submission: staff see all; anyone else one whose every project is theirs, or, naming
    /// none, their own.</summary>
    public static bool Sees(ProjectAccess access, Submission submission) =>
        access.IsStaff
        || (submission.ProjectCodes.Length == 0
            ? submission.SubmittedBy == access.UserId
            : submission.ProjectCodes.All(code => access.ProjectOfCode(code) is not null));
}
