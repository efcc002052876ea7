using System.Buffers;
using System.Collections.Frozen;

namespace Argus.AI.Masking;

/// <summary>
/// The SQL-aware pass (only when a role asks for <see cref="SensitiveKind.SqlIdentifier"/>): inside each statement
/// (from upper-case SELECT, INSERT INTO, UPDATE, DELETE FROM, WITH, CREATE/ALTER/DROP TABLE or MERGE INTO, or lower-case
/// select, insert into, delete from, to ';', a blank line, a double quote that
/// closes a JSON string, or the end), every identifier that is not a keyword, a function name (directly followed by
/// '('), a parameter, a literal or a one- or two-letter alias is a schema, table or column name. Quoted identifiers
/// (<c>"x"</c>, <c>`x`</c>, <c>[x]</c>) are masked inside their quotes.
/// </summary>
internal static class SqlPass
{
    private static readonly SearchValues<string> StatementStarts = SearchValues.Create(
        // Upper case, or lower-case forms that do not occur in prose ("update" and "with" do): a pass that started
        // on every "with " would treat English as SQL.
        ["SELECT ", "INSERT INTO ", "UPDATE ", "DELETE FROM ", "WITH ", "CREATE TABLE ", "ALTER TABLE ", "DROP TABLE ", "MERGE INTO ",
         "TRUNCATE TABLE ", "select ", "insert into ", "delete from "],
        StringComparison.Ordinal);

    private static readonly FrozenSet<string> Keywords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "select", "from", "where", "and", "or", "not", "in", "is", "null", "like", "ilike", "between", "exists", "join", "inner",
        "left", "right", "full", "outer", "cross", "on", "as", "group", "by", "order", "having", "limit", "offset", "fetch",
        "first", "next", "rows", "row", "only", "insert", "into", "values", "value", "update", "set", "delete", "create",
        "table", "alter", "drop", "index", "view", "distinct", "all", "union", "intersect", "except", "case", "when", "then",
        "else", "end", "asc", "desc", "true", "false", "with", "recursive", "primary", "key", "foreign", "references",
        "default", "constraint", "unique", "check", "if", "for", "share", "nowait", "skip", "locked", "returning", "using",
        "natural", "lateral", "top", "percent", "ties", "add", "column", "rename", "to", "truncate", "merge", "matched",
        "replace", "ignore", "duplicate", "interval", "date", "time", "timestamp", "cast", "any", "some", "escape", "collate",
        "over", "partition", "window", "rownum", "dual", "sysdate", "current_timestamp", "current_date", "current_time",
        "int", "integer", "bigint", "smallint", "tinyint", "varchar", "nvarchar", "char", "nchar", "text", "boolean", "bool",
        "numeric", "decimal", "float", "double", "precision", "real", "serial", "bigserial", "uuid", "json", "jsonb", "blob",
        "clob", "datetime", "datetime2", "bit", "varbinary", "binary", "schema", "database", "temporary", "temp", "cascade",
        "restrict", "conflict", "do", "nothing", "nulls", "last", "filter", "within", "straight_join", "use", "force", "of",
        "zone", "at", "local", "unsigned", "auto_increment", "identity", "not", "sequence", "trigger", "procedure", "function",
        "begin", "commit", "rollback", "transaction", "explain", "analyze", "verbose", "lock", "mode", "exclusive", "nolock",
        "minus", "similar", "regexp", "rlike", "glob", "array", "row_number", "rank", "count", "sum", "avg", "min", "max",
        "coalesce", "nullif", "now", "year", "month", "day", "hour", "minute", "second", "epoch", "extract", "substring",
        "trim", "upper", "lower", "length", "concat", "ifnull", "isnull", "nvl", "greatest", "least", "equals");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> KeywordLookup = Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    public static void Scan(string text, List<Detection> output)
    {
        var s = text.AsSpan();
        var i = 0;
        while (i < s.Length)
        {
            var rel = s[i..].IndexOfAny(StatementStarts);
            if (rel < 0)
            {
                return;
            }

            var start = i + rel;
            if (start > 0 && (char.IsAsciiLetterOrDigit(s[start - 1]) || s[start - 1] == '_'))
            {
                i = start + 1;
                continue;
            }

            i = ScanStatement(s, start, output);
        }
    }

    private static int ScanStatement(ReadOnlySpan<char> s, int start, List<Detection> output)
    {
        var k = start;
        while (k < s.Length)
        {
            var c = s[k];
            if (c == ';' || c == '"' && IsStatementEndQuote(s, k) || (c == '\n' && k + 1 < s.Length && (s[k + 1] == '\n' || (s[k + 1] == '\r' && k + 2 < s.Length && s[k + 2] == '\n'))))
            {
                return k + 1;
            }

            if (c == '\'')
            {
                // String literal ('' escapes a quote); a literal holds data, not names, and other detectors see it.
                k++;
                while (k < s.Length && s[k] != '\n')
                {
                    if (s[k] == '\'')
                    {
                        if (k + 1 < s.Length && s[k + 1] == '\'')
                        {
                            k += 2;
                            continue;
                        }

                        break;
                    }

                    k++;
                }

                k++;
                continue;
            }

            if (c is '"' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                var end = s[(k + 1)..].IndexOfAny(close, '\n');
                if (end > 0 && s[(k + 1)..(k + 1 + end)].IndexOfAnyExcept(IdentifierChars) < 0)
                {
                    output.Add(new Detection(k + 1, end, SensitiveKind.SqlIdentifier, TokenShape.Identifier));
                    k += end + 2;
                    continue;
                }

                k++;
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                var end = k;
                while (end < s.Length && (char.IsAsciiLetterOrDigit(s[end]) || s[end] is '_' or '$'))
                {
                    end++;
                }

                var word = s[k..end];
                var previous = k > 0 ? s[k - 1] : ' ';
                var isParameter = previous is ':' or '@' or '$' or '#' or '?';
                var isFunction = end < s.Length && s[end] == '(';
                if (!isParameter && !isFunction && word.Length > 2 && !KeywordLookup.Contains(word) &&
                    !(k > 0 && char.IsAsciiDigit(previous)))
                {
                    output.Add(new Detection(k, word.Length, SensitiveKind.SqlIdentifier, TokenShape.Identifier));
                }

                k = end;
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                while (k < s.Length && (char.IsAsciiLetterOrDigit(s[k]) || s[k] == '.'))
                {
                    k++;
                }

                continue;
            }

            k++;
        }

        return k;
    }

    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$ ");

    // A double quote right after an identifier character or a space closes the JSON string holding the statement
    // when what follows is JSON punctuation (", }" or "]").
    private static bool IsStatementEndQuote(ReadOnlySpan<char> s, int k)
    {
        var next = k + 1 < s.Length ? s[k + 1] : ',';
        return next is ',' or '}' or ']' or '\n' or '\r' || (next == ' ' && k + 2 < s.Length && s[k + 2] is ',' or '}' or ']');
    }
}
