using System.Security.Claims;

namespace TracSeq.ServiceDefaults.Security;

public static class ClaimsPrincipalExtensions
{
    public static Guid GetUserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue("sub"), out var id) ? id : throw new InvalidOperationException("The token has no user id.");

    public static string GetEmail(this ClaimsPrincipal user) => user.FindFirstValue("email") ?? "";

    public static string GetRole(this ClaimsPrincipal user) => user.FindFirstValue("role") ?? Roles.Guest;
}
