using System.Text;
using System.Text.RegularExpressions;

namespace Mall.Features.Auth;

/// <summary>
/// An account is an e-mail address or a mainland China mobile number. Each has one canonical spelling — Unicode NFKC
/// (full-width and other compatibility forms become their plain letters), then lower case — which is what is stored
/// and compared, byte for byte (users.account is utf8mb4_bin): "ＡＤＭＩＮ@ＭＡＬＬ.ＬＯＣＡＬ" is admin@mall.local,
/// "ádmin@mall.local" is another account, never a second spelling of it.
/// </summary>
public static partial class Accounts
{
    public const int MaxLength = 100;
    public const string FormatMessage = "Account must be an e-mail address or a mainland mobile number (11 digits starting with 1).";

    public static string Normalize(string? account)
    {
        var text = (account ?? "").Trim();
        // Lower-casing can produce what NFKC would change again (rarely), so normalise on both sides of it.
        return text.IsNormalized(NormalizationForm.FormKC) && !text.Any(char.IsUpper)
            ? text
            : text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormKC);
    }

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
