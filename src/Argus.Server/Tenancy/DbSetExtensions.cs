using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Argus.Server.Tenancy;

/// <summary>Helpers the control-plane stores share.</summary>
internal static class DbSetExtensions
{
    /// <summary>
    /// The first half of an upsert: the tracked row that <paramref name="match"/> finds, or else a new one from
    /// <paramref name="create"/> (its key set), added to the set. The caller sets the other columns and saves.
    /// </summary>
    public static async Task<T> FindOrAddAsync<T>(this DbSet<T> set, Expression<Func<T, bool>> match, Func<T> create, CancellationToken cancellationToken)
        where T : class
    {
        var row = await set.FirstOrDefaultAsync(match, cancellationToken);
        if (row is null)
        {
            row = create();
            set.Add(row);
        }

        return row;
    }
}
