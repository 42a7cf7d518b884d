using System.Text;

namespace Mall.Features.Orders.Admin;

/// <summary>RFC 4180 cells that a spreadsheet opens as text, never as a formula.</summary>
public static class Csv
{
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        // CSV injection: a cell a spreadsheet would evaluate (=HYPERLINK(…), +cmd|…, -2+3, @SUM(…), or one hiding behind a
        // tab or carriage return) is made text by a leading apostrophe.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0) return value;
        return new StringBuilder(value.Length + 2).Append('"').Append(value.Replace("\"", "\"\"")).Append('"').ToString();
    }
}
