using System.Text.RegularExpressions;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Ai;

/// <summary>
/// Creates the control-plane tables an existing database lacks. <c>EnsureCreated</c> does nothing on a database that
/// already exists, so a control.db made by an older Argus would never get the tables of newer features. This runs the
/// model's own CREATE statements for exactly the missing tables (and their indexes); existing tables are not touched.
/// </summary>
internal static partial class ControlPlaneSchemaUpgrade
{
    [GeneratedRegex("""^\s*CREATE\s+(?:UNIQUE\s+)?(?:TABLE\s+"(?<table>[^"]+)"|INDEX\s+"[^"]+"\s+ON\s+"(?<table>[^"]+)")""", RegexOptions.IgnoreCase)]
    private static partial Regex CreateStatement();

    /// <summary>Creates missing tables; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> CreateMissingTablesAsync(ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return [];
        }

        await db.Database.EnsureCreatedAsync(cancellationToken);
        var existing = await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'").ToListAsync(cancellationToken);
        var wanted = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct(StringComparer.Ordinal);
        var missing = wanted.Except(existing, StringComparer.OrdinalIgnoreCase).ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return [];
        }

        // The script is the model's full DDL, statements separated by ";" at line ends (EF's SQLite generator).
        var script = db.Database.GenerateCreateScript();
        var statements = script.Split(";" + Environment.NewLine, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var statement in statements)
        {
            var match = CreateStatement().Match(statement);
            if (match.Success && missing.Contains(match.Groups["table"].Value))
            {
#pragma warning disable EF1002 // The statement is EF's own generated DDL, not user input.
                await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
#pragma warning restore EF1002
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. missing.Order(StringComparer.Ordinal)];
    }
}
