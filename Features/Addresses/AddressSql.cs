namespace Mall.Features.Addresses;

internal static class AddressSql
{
    public const string ById = """
        SELECT id AS Id, receiver AS Receiver, phone AS Phone, province AS Province, city AS City, district AS District,
               detail AS Detail, is_default AS IsDefault
        FROM addresses WHERE id = @Id AND user_id = @UserId
        """;

    /// <summary>Serialises one shopper's address writes so "exactly one default" holds under concurrent requests.</summary>
    public const string LockUser = "SELECT id FROM users WHERE id = @UserId FOR UPDATE";

    public const string ClearDefault = "UPDATE addresses SET is_default = 0 WHERE user_id = @UserId AND is_default = 1 AND id <> @Id";
}
