using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TracSeq.ServiceDefaults.Problems;

/// <summary>Field errors collected while checking a request, answered as a 400 ProblemDetails with <c>errors</c> by field.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }
        messages.Add(message);
        return this;
    }

    /// <summary>Present, not blank, and at most <paramref name="maxLength"/> characters.</summary>
    public ValidationErrors Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Add(field, $"{field} is required.") : this;
        }
        return value.Length > maxLength ? Add(field, $"{field} must be at most {maxLength} characters.")
            : HasControlCharacters(value) ? Add(field, $"{field} must not contain control characters.")
            : this;
    }

    /// <summary>Control characters other than tab and line breaks: never meant in text a person typed, and PostgreSQL
    /// refuses NUL in text outright (a 500 if it got that far).</summary>
    public static bool HasControlCharacters(string value) =>
        value.Any(c => char.IsControl(c) && c is not '\t' and not '\r' and not '\n');

    public ValidationErrors Check(bool condition, string field, string message) => condition ? this : Add(field, message);

    /// <summary>The messages collected so far, by field.</summary>
    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
