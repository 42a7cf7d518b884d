using System.Text.RegularExpressions;

namespace Mall.Features.Auth;

/// <summary>An account is an e-mail address or a mainland China mobile number; e-mails compare case-insensitively.</summary>
public static partial class Accounts
{
    public const int MaxLength = 100;
    public const string FormatMessage = "Account must be an e-mail address or a mainland mobile number (11 digits starting with 1).";

    public static string Normalize(string? account) => (account ?? "").Trim().ToLowerInvariant();

    public static bool IsValid(string? account)
    {
        var normalized = Normalize(account);
        return normalized.Length is > 0 and <= MaxLength && (Email().IsMatch(normalized) || Mobile().IsMatch(normalized));
    }

    [GeneratedRegex(@"^[^@\s\p{C}]{1,64}@[^@\s\p{C}]+\.[^@\s\p{C}]{2,}$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    private static partial Regex Mobile();
}
