namespace Argus.AI.Masking;

/// <summary>
/// A detector of sensitive values. Each kind is switched on or off per role and per tenant
/// (<see cref="MaskingOptions.EnabledKinds"/>), and masked values are counted by the kind of the detector that found them.
/// </summary>
public enum SensitiveKind
{
    /// <summary>Database connection strings and URLs: JDBC (MySQL, MariaDB, PostgreSQL, Oracle, SQL Server),
    /// <c>mongodb://</c>, <c>mongodb+srv://</c>, <c>redis://</c> and ADO.NET-style <c>Server=...;Password=...</c>.
    /// Host, database, user and password are masked individually; scheme, port and structure are kept.</summary>
    ConnectionString,

    /// <summary>Host names and FQDNs (known and internal suffixes, host-shaped names next to a port, Kubernetes pod names).</summary>
    Hostname,

    /// <summary>IPv4 addresses (replaced from the documentation ranges).</summary>
    IPv4Address,

    /// <summary>IPv6 addresses (replaced from 2001:db8::/32).</summary>
    IPv6Address,

    /// <summary>URLs: the host, credentials, and path or query values that look like identifiers.</summary>
    Url,

    /// <summary>E-mail addresses.</summary>
    Email,

    /// <summary>Credentials: passwords, bearer tokens, JWTs, AWS keys, PEM private keys, <c>api_key=</c>/<c>secret=</c> assignments.</summary>
    Credential,

    /// <summary>Phone numbers: Korean mobile and landline formats and E.164.</summary>
    PhoneNumber,

    /// <summary>Korean resident registration numbers (YYMMDD-GXXXXXX with a valid date and gender digit).</summary>
    ResidentRegistrationNumber,

    /// <summary>Payment card numbers (13 to 19 digits, Luhn-checked).</summary>
    PaymentCard,

    /// <summary>SQL schema, table and column names. Off unless the role asks for it.</summary>
    SqlIdentifier,

    /// <summary>Values matched by a tenant's own patterns or word list.</summary>
    Custom,
}

/// <summary>
/// The names of <see cref="SensitiveKind"/> on the wire (role definitions, tenant settings, call-log counts):
/// short, stable and camel-case, so a rename of the enum never changes stored data.
/// </summary>
public static class SensitiveKindNames
{
    private static readonly string[] Names =
    [
        "connectionString", "hostname", "ipv4", "ipv6", "url", "email", "credential", "phone",
        "residentRegistrationNumber", "paymentCard", "sqlIdentifier", "custom",
    ];

    /// <summary>Every wire name, in enum order.</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>The wire name of <paramref name="kind"/>.</summary>
    public static string Name(this SensitiveKind kind) => Names[(int)kind];

    /// <summary>Parses a wire name, or the enum's own name, ignoring case.</summary>
    public static bool TryParse(string? name, out SensitiveKind kind)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                kind = (SensitiveKind)i;
                return true;
            }
        }

        return Enum.TryParse(name, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(name, out _);
    }
}
