namespace TracSeq.Sequencing.Runs;

/// <summary>
/// A run name goes into the sample sheet header and the instrument's output folder, so it is kept to characters every
/// tool accepts: letters, digits, spaces, '-' and '_', 1 to 255 of them, not only spaces.
/// </summary>
public static class RunNames
{
    public const int MaxLength = 255;

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
