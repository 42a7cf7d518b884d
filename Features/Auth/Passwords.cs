using Microsoft.AspNetCore.Identity;

namespace Mall.Features.Auth;

/// <summary>ASP.NET Core's PasswordHasher (PBKDF2, versioned format, rehash-aware) and the password policy.</summary>
public sealed class Passwords
{
    private static readonly PasswordHasher<Passwords> Hasher = new();

    // Verifying against a real hash when the account is unknown keeps the work (and timing) the same.
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(null!, Guid.NewGuid().ToString()));

    public const int MinLength = 8;
    public const int MaxLength = 72;
    public const string PolicyMessage = "Password must be 8–72 characters and not all digits.";

    public static bool MeetsPolicy(string? password) =>
        password is { Length: >= MinLength and <= MaxLength } && !password.All(char.IsAsciiDigit);

    public string Hash(string password) => Hasher.HashPassword(this, password);

    public bool Verify(string? storedHash, string password)
    {
        var result = Hasher.VerifyHashedPassword(this, storedHash ?? DecoyHash.Value, password);
        return storedHash is not null && result != PasswordVerificationResult.Failed;
    }
}
