using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Auth.Users;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>: PBKDF2-HMAC-SHA512,
/// 100,000 iterations, 128-bit random salt, 256-bit subkey (format v3). Unknown accounts are checked against a
/// dummy hash, so a wrong e-mail costs as long as a wrong password.
/// </summary>
public static class Passwords
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly string DummyHash = Hasher.HashPassword(new object(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public static string Hash(string password) => Hasher.HashPassword(new object(), password);

    public static PasswordVerificationResult Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(new object(), hash, password);

    /// <summary>The work of a real check, for an account that does not exist; always <see cref="PasswordVerificationResult.Failed"/>.</summary>
    public static PasswordVerificationResult SpendVerificationTime(string password)
    {
        Hasher.VerifyHashedPassword(new object(), DummyHash, password);
        return PasswordVerificationResult.Failed;
    }

    /// <summary>The rule for a new password: long enough to resist guessing, short enough to hash cheaply.</summary>
    public static ValidationErrors CheckNew(this ValidationErrors errors, string field, string? password) =>
        string.IsNullOrEmpty(password)
            ? errors.Add(field, $"{field} is required.")
            : errors.Check(password.Length is >= MinLength and <= MaxLength, field,
                $"{field} must be {MinLength} to {MaxLength} characters long.");
}
