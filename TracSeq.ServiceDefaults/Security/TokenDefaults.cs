namespace TracSeq.ServiceDefaults.Security;

/// <summary>What every TracSeq access token carries and how long it lives; shared by the issuer and the validators.</summary>
public static class TokenDefaults
{
    public const string Issuer = "tracseq-auth";
    public const string Audience = "tracseq-api";
    public const string Algorithm = "ES256";
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
}
