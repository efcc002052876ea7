using System.Buffers;
using System.Collections.Frozen;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Argus.Analysis.Sql;

/// <summary>The kind of data access a statement performs.</summary>
public enum CrudKind
{
    Unknown,
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Call,
    Ddl,
    Other,
}

/// <summary>A statement reduced to its shape: literals replaced by <c>?</c>, with the tables it touches and its CRUD kind.</summary>
public sealed record SqlShape(string NormalizedText, ulong Fingerprint, CrudKind Crud, IReadOnlyList<string> Tables);

/// <summary>
/// Normalises SQL text so that statements differing only in literal values group together.
/// </summary>
/// <remarks>
/// One pass over the text with a small tokenizer, writing the normalised form into a pooled buffer: string, number,
/// hex and dollar-quoted literals and bind placeholders (<c>?</c>, <c>$1</c>, <c>:name</c>, <c>@p0</c>) become <c>?</c>;
/// value lists after <c>IN</c> and repeated <c>VALUES</c> rows collapse to one <c>(?)</c>; comments go; whitespace is
/// one space; keywords are upper-cased; identifiers keep their case and lose their quotes. <see cref="Fingerprint"/>
/// hashes that buffer without building a string. It runs at ingest on every database span.
/// </remarks>
public static class SqlNormalizer
{
    /// <summary>Normalises a statement and parses its tables and CRUD kind.</summary>
    public static SqlShape Analyze(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var normalizer = new Normalizer(sql, collectTables: true);
        try
        {
            normalizer.Run();
            var text = normalizer.Output;
            return new SqlShape(text.ToString(), Hash(text), normalizer.Crud, normalizer.Tables());
        }
        finally
        {
            normalizer.Dispose();
        }
    }

    /// <summary>The 64-bit fingerprint of a statement's normalised text; 0 for null or blank input.</summary>
    public static ulong Fingerprint(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return 0;
        }

        var normalizer = new Normalizer(sql, collectTables: false);
        try
        {
            normalizer.Run();
            return Hash(normalizer.Output);
        }
        finally
        {
            normalizer.Dispose();
        }
    }

    // 0 is reserved for "no statement", so a (vanishingly unlikely) zero hash is moved to 1.
    private static ulong Hash(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        var hash = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(text));
        return hash == 0 ? 1 : hash;
    }

    private static readonly FrozenSet<string> Keywords = new[]
    {
        "ADD", "ALL", "ALTER", "AND", "ANY", "AS", "ASC", "AVG", "BEGIN", "BETWEEN", "BY", "CALL", "CASE", "CAST", "CHECK",
        "COALESCE", "COLLATE", "COLUMN", "COMMIT", "CONFLICT", "CONSTRAINT", "COUNT", "CREATE", "CROSS", "CURRENT", "DATABASE",
        "DECLARE", "DEFAULT", "DELETE", "DESC", "DESCRIBE", "DISTINCT", "DO", "DROP", "DUPLICATE", "ELSE", "END", "ESCAPE",
        "EXCEPT", "EXEC", "EXECUTE", "EXISTS", "EXPLAIN", "FALSE", "FETCH", "FIRST", "FOR", "FOREIGN", "FROM", "FULL",
        "FUNCTION", "GRANT", "GROUP", "HAVING", "IF", "IGNORE", "ILIKE", "IN", "INDEX", "INNER", "INSERT", "INTERSECT",
        "INTERVAL", "INTO", "IS", "JOIN", "KEY", "LATERAL", "LEFT", "LIKE", "LIMIT", "LOCKED", "MATCHED", "MAX", "MERGE",
        "MIN", "MINUS", "NATURAL", "NEXT", "NOLOCK", "NOT", "NOTHING", "NOWAIT", "NULL", "NULLIF", "OFFSET", "ON", "ONLY",
        "OR", "ORDER", "OUTER", "OUTPUT", "OVER", "PARTITION", "PRIMARY", "PROCEDURE", "RECURSIVE", "REFERENCES", "RENAME",
        "REPLACE", "RETURNING", "REVOKE", "RIGHT", "ROLLBACK", "ROW", "ROWS", "SELECT", "SET", "SHARE", "SHOW", "SKIP",
        "SOME", "SUM", "TABLE", "THEN", "TIES", "TO", "TOP", "TRIGGER", "TRUE", "TRUNCATE", "UNION", "UNIQUE", "UPDATE",
        "UPSERT", "USING", "VALUES", "VIEW", "WHEN", "WHERE", "WINDOW", "WITH",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> KeywordLookup =
        Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    private enum TokenKind
    {
        None,
        Keyword,
        Identifier,
        Value,
        Open,
        Close,
        Comma,
        Dot,
        Operator,
    }

    /// <summary>An open parenthesis: where it starts in the output, and whether its content is a collapsible value list.</summary>
    private readonly record struct Group(int Start, bool ValueList, bool FunctionCall);

    private ref struct Normalizer
    {
        private readonly string _sql;
        private readonly bool _collectTables;
        private char[] _buffer;
        private int _length;
        private int _pos;

        private TokenKind _last;
        private TokenKind _beforeLast;
        private string? _lastKeyword;
        private bool _pendingSemicolon;
        private bool _lastClosedValueList;

        private List<Group>? _groups;
        private int _depth;

        // Table capture: a name starts after FROM/JOIN/INTO/UPDATE/TABLE/USING and extends over "." parts.
        private bool _expectTable;
        private int _tableStart;
        private bool _inTable;
        private int _fromListDepth;
        private List<string>? _tables;
        private List<string>? _cteNames;
        private bool _expectCteName;
        private bool _inWith;
        private bool _lastClosedFromTable;

        // True while the last identifier names a table (INTO t, ON t): "t (a, b)" keeps its space, unlike a call "f(a)".
        private bool _objectName;

        public Normalizer(string sql, bool collectTables)
        {
            _sql = sql;
            _collectTables = collectTables;
            _buffer = ArrayPool<char>.Shared.Rent((sql.Length * 2) + 16);
            _fromListDepth = -1;
            Crud = CrudKind.Unknown;
        }

        public CrudKind Crud { get; private set; }

        public readonly ReadOnlySpan<char> Output => _buffer.AsSpan(0, _length);

        public void Dispose()
        {
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = [];
        }

        public readonly List<string> Tables()
        {
            if (_tables is null || _cteNames is null)
            {
                return _tables ?? [];
            }

            var ctes = _cteNames;
            return _tables.Where(t => !ctes.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        }

        public void Run()
        {
            var sql = _sql.AsSpan();
            while (_pos < sql.Length)
            {
                var c = sql[_pos];
                if (char.IsWhiteSpace(c))
                {
                    _pos++;
                }
                else if (c == '-' && Peek(1) == '-')
                {
                    SkipLine();
                }
                else if (c == '#' && (_pos + 1 >= sql.Length || char.IsWhiteSpace(sql[_pos + 1])))
                {
                    SkipLine();
                }
                else if (c == '/' && Peek(1) == '*')
                {
                    var end = sql[(_pos + 2)..].IndexOf("*/", StringComparison.Ordinal);
                    _pos = end < 0 ? sql.Length : _pos + 2 + end + 2;
                }
                else if (c == '\'')
                {
                    SkipString(backslashEscapes: false);
                    EmitValue();
                }
                else if ((c is 'N' or 'n' or 'X' or 'x' or 'B' or 'b' or 'E' or 'e') && Peek(1) == '\'')
                {
                    _pos++;
                    SkipString(backslashEscapes: c is 'E' or 'e');
                    EmitValue();
                }
                else if (c == '"' || c == '`')
                {
                    QuotedIdentifier(c);
                }
                else if (c == '[' )
                {
                    QuotedIdentifier(']');
                }
                else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
                {
                    SkipNumber();
                    EmitValue();
                }
                else if (c == '$')
                {
                    Dollar();
                }
                else if (c == '?')
                {
                    _pos++;
                    while (_pos < sql.Length && char.IsAsciiDigit(sql[_pos]))
                    {
                        _pos++;
                    }

                    EmitValue();
                }
                else if (c == ':' && Peek(1) != ':' && (char.IsLetterOrDigit(Peek(1)) || Peek(1) == '_') && _last is not (TokenKind.Identifier or TokenKind.Close or TokenKind.Value))
                {
                    _pos++;
                    SkipWord();
                    EmitValue();
                }
                else if (c == '@' && Peek(1) != '@')
                {
                    _pos++;
                    SkipWord();
                    EmitValue();
                }
                else if (char.IsLetter(c) || c is '_' or '@' or '#')
                {
                    var start = _pos;
                    SkipWord();
                    Word(sql[start.._pos]);
                }
                else
                {
                    Punctuation(c);
                }
            }

            EndTable();
        }

        private readonly char Peek(int offset) => _pos + offset < _sql.Length ? _sql[_pos + offset] : '\0';

        private void SkipLine()
        {
            var end = _sql.AsSpan(_pos).IndexOf('\n');
            _pos = end < 0 ? _sql.Length : _pos + end + 1;
        }

        private void SkipString(bool backslashEscapes)
        {
            _pos++; // opening quote
            while (_pos < _sql.Length)
            {
                var c = _sql[_pos++];
                if (backslashEscapes && c == '\\')
                {
                    _pos++;
                }
                else if (c == '\'')
                {
                    if (_pos < _sql.Length && _sql[_pos] == '\'')
                    {
                        _pos++; // '' is an escaped quote
                    }
                    else
                    {
                        return;
                    }
                }
            }
        }

        private void SkipNumber()
        {
            if (_sql[_pos] == '0' && Peek(1) is 'x' or 'X')
            {
                _pos += 2;
                while (_pos < _sql.Length && char.IsAsciiHexDigit(_sql[_pos]))
                {
                    _pos++;
                }

                return;
            }

            while (_pos < _sql.Length)
            {
                var c = _sql[_pos];
                if (char.IsAsciiDigit(c) || c == '.')
                {
                    _pos++;
                }
                else if (c is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
                {
                    _pos += 2;
                }
                else
                {
                    return;
                }
            }
        }

        private void SkipWord()
        {
            while (_pos < _sql.Length && (char.IsLetterOrDigit(_sql[_pos]) || _sql[_pos] is '_' or '$' or '#' or '@'))
            {
                _pos++;
            }
        }

        private void Dollar()
        {
            // $1 is a placeholder; $$...$$ and $tag$...$tag$ are PostgreSQL dollar-quoted strings.
            if (char.IsAsciiDigit(Peek(1)))
            {
                _pos++;
                while (_pos < _sql.Length && char.IsAsciiDigit(_sql[_pos]))
                {
                    _pos++;
                }

                EmitValue();
                return;
            }

            var tagEnd = _sql.IndexOf('$', _pos + 1);
            if (tagEnd > 0 && IsTag(_sql.AsSpan(_pos + 1, tagEnd - _pos - 1)))
            {
                var tag = _sql.AsSpan(_pos, tagEnd - _pos + 1);
                var close = _sql.AsSpan(tagEnd + 1).IndexOf(tag, StringComparison.Ordinal);
                _pos = close < 0 ? _sql.Length : tagEnd + 1 + close + tag.Length;
                EmitValue();
                return;
            }

            Punctuation('$');
        }

        private static bool IsTag(ReadOnlySpan<char> tag)
        {
            foreach (var c in tag)
            {
                if (!char.IsLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }

            return true;
        }

        private void QuotedIdentifier(char close)
        {
            var start = ++_pos;
            var end = _sql.IndexOf(close, start);
            end = end < 0 ? _sql.Length : end;
            _pos = Math.Min(_sql.Length, end + 1);
            Identifier(_sql.AsSpan(start, end - start));
        }

        private void Word(ReadOnlySpan<char> word)
        {
            if (KeywordLookup.TryGetValue(word, out var keyword))
            {
                Keyword(keyword);
            }
            else
            {
                Identifier(word);
            }
        }

        private void Keyword(string keyword)
        {
            EndTable();
            var first = _last == TokenKind.None;
            var previousKeyword = _last == TokenKind.Keyword ? _lastKeyword : null;
            BeginToken(TokenKind.Keyword);
            Write(keyword);

            if (Crud == CrudKind.Unknown || (_inWith && _depth == 0 && Crud == CrudKind.Select && keyword != "SELECT"))
            {
                SetCrud(keyword);
            }

            if (keyword == "WITH" && first)
            {
                _inWith = true;
                _expectCteName = true;
            }

            if (_collectTables)
            {
                var inFunction = _depth > 0 && _groups![^1].FunctionCall;
                _expectTable = !inFunction && keyword switch
                {
                    "FROM" or "JOIN" or "INTO" or "TABLE" => true,
                    // Not the UPDATE of ON DUPLICATE KEY UPDATE, MERGE … THEN UPDATE or ON CONFLICT DO UPDATE.
                    "UPDATE" => previousKeyword is not ("KEY" or "THEN" or "DO"),
                    "USING" => Crud == CrudKind.Merge,
                    "DELETE" => true, // DELETE t WHERE … (Oracle, SQL Server); DELETE FROM re-arms on FROM
                    "IF" or "NOT" or "EXISTS" or "ONLY" => _expectTable, // DROP TABLE IF EXISTS x, FROM ONLY x
                    _ => false,
                };
                if (keyword == "FROM" && !inFunction)
                {
                    _fromListDepth = _depth;
                }
                else if (keyword is "WHERE" or "GROUP" or "ORDER" or "HAVING" or "LIMIT" or "SET" or "ON" or "UNION" or "VALUES" or "SELECT" or "RETURNING")
                {
                    _fromListDepth = -1;
                }
            }

            _lastKeyword = keyword;
        }

        private void SetCrud(string keyword)
        {
            var kind = keyword switch
            {
                "SELECT" => CrudKind.Select,
                "INSERT" or "REPLACE" or "UPSERT" => CrudKind.Insert,
                "UPDATE" => CrudKind.Update,
                "DELETE" => CrudKind.Delete,
                "MERGE" => CrudKind.Merge,
                "CALL" or "EXEC" or "EXECUTE" => CrudKind.Call,
                "CREATE" or "ALTER" or "DROP" or "TRUNCATE" or "RENAME" => CrudKind.Ddl,
                "WITH" => CrudKind.Select, // until the main statement says otherwise
                _ => CrudKind.Other,
            };

            // Inside WITH, only a data statement at the top level replaces the provisional SELECT.
            if (Crud == CrudKind.Unknown || kind is CrudKind.Insert or CrudKind.Update or CrudKind.Delete or CrudKind.Merge)
            {
                Crud = kind;
            }
        }

        private void Identifier(ReadOnlySpan<char> name)
        {
            if (_inTable && _last == TokenKind.Dot)
            {
                // schema.table: keep extending the captured name.
                BeginToken(TokenKind.Identifier);
                Write(name);
                return;
            }

            EndTable();
            _objectName = _last == TokenKind.Keyword && _lastKeyword is "INTO" or "TABLE" or "FROM" or "JOIN" or "UPDATE" or "ON" or "USING";
            var startsTable = _collectTables && (_expectTable || (_last == TokenKind.Comma && _fromListDepth == _depth && _depth >= 0 && _lastClosedFromTable));
            var cteName = _expectCteName && _depth == 0;
            BeginToken(TokenKind.Identifier);
            if (startsTable && !cteName)
            {
                _inTable = true;
                _tableStart = _length;
            }

            Write(name);
            if (cteName && _collectTables)
            {
                (_cteNames ??= []).Add(name.ToString());
            }

            _expectCteName = false;
            _expectTable = false;
            if (Crud == CrudKind.Unknown)
            {
                Crud = CrudKind.Other;
            }
        }

        private void EndTable()
        {
            if (!_inTable)
            {
                return;
            }

            _inTable = false;
            _lastClosedFromTable = _fromListDepth == _depth;
            var name = new string(_buffer, _tableStart, _length - _tableStart);
            _tables ??= [];
            if (!_tables.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                _tables.Add(name);
            }
        }

        private void EmitValue()
        {
            EndTable();
            _expectTable = false;

            // A minus sign that follows an operator, "(", "," or a keyword belongs to the number: "= -1" is "= ?".
            if (_last == TokenKind.Operator && _length > 0 && _buffer[_length - 1] == '-' && _beforeLast is TokenKind.Operator or TokenKind.Open or TokenKind.Comma or TokenKind.Keyword or TokenKind.None)
            {
                _length--;
                while (_length > 0 && _buffer[_length - 1] == ' ')
                {
                    _length--;
                }

                _last = _beforeLast;
            }

            BeginToken(TokenKind.Value);
            Write('?');
        }

        private void Punctuation(char c)
        {
            if (c != '.')
            {
                EndTable();
            }

            _pos++;
            switch (c)
            {
                case '(':
                    var valueList = _last == TokenKind.Keyword && _lastKeyword is "IN" or "VALUES"
                        || (_last == TokenKind.Open && _depth > 0 && _groups![^1].ValueList)
                        || (_last == TokenKind.Comma && _lastClosedValueList);
                    var functionCall = IsCallName();
                    BeginToken(TokenKind.Open);
                    (_groups ??= []).Add(new Group(_length, valueList, functionCall));
                    _depth++;
                    Write('(');
                    _expectTable = false; // FROM (SELECT …): a sub-query, its own FROM names the tables
                    break;
                case ')':
                    BeginToken(TokenKind.Close);
                    Write(')');
                    CloseGroup();
                    break;
                case ',':
                    BeginToken(TokenKind.Comma);
                    Write(',');
                    if (_inWith && _depth == 0)
                    {
                        _expectCteName = true;
                    }

                    break;
                case '.':
                    BeginToken(TokenKind.Dot);
                    Write('.');
                    break;
                case ';':
                    _pendingSemicolon = true;
                    break;
                default:
                    BeginToken(TokenKind.Operator);
                    Write(c);
                    var next = _pos < _sql.Length ? _sql[_pos] : '\0';
                    if (IsTwoCharOperator(c, next))
                    {
                        Write(next);
                        _pos++;
                        if (c == '-' && next == '>' && _pos < _sql.Length && _sql[_pos] == '>')
                        {
                            Write('>');
                            _pos++;
                        }
                    }

                    break;
            }
        }

        private static bool IsTwoCharOperator(char c, char next) => (c, next) switch
        {
            ('<', '=') or ('>', '=') or ('<', '>') or ('!', '=') or (':', ':') or ('|', '|') or ('-', '>') or (':', '=') or ('=', '>') or ('<', '<') or ('>', '>') => true,
            _ => false,
        };

        private void CloseGroup()
        {
            if (_depth == 0)
            {
                _lastClosedValueList = false;
                return;
            }

            _depth--;
            var group = _groups![^1];
            _groups.RemoveAt(_groups.Count - 1);
            if (_fromListDepth > _depth)
            {
                _fromListDepth = -1;
            }

            _lastClosedValueList = false;
            if (!group.ValueList || !OnlyValues(_buffer.AsSpan(group.Start + 1, _length - group.Start - 2)))
            {
                return;
            }

            // (?, ?, ?) → (?), and a repeated "(?), (?)" row of VALUES or IN → one.
            _length = group.Start;
            Write("(?)");
            _lastClosedValueList = true;
            var previous = _buffer.AsSpan(0, group.Start);
            if (previous.EndsWith("(?), ", StringComparison.Ordinal) || previous.EndsWith("(?),", StringComparison.Ordinal))
            {
                _length = group.Start - (previous.EndsWith("(?), ", StringComparison.Ordinal) ? 2 : 1);
                _last = TokenKind.Close;
            }
        }

        private static bool OnlyValues(ReadOnlySpan<char> content)
        {
            var any = false;
            foreach (var c in content)
            {
                if (c == '?')
                {
                    any = true;
                }
                else if (c is not (',' or ' ' or '(' or ')'))
                {
                    return false;
                }
            }

            return any;
        }

        private void BeginToken(TokenKind kind)
        {
            if (_pendingSemicolon)
            {
                _pendingSemicolon = false;
                Write(';');
                _last = TokenKind.None;
                _inWith = false;
            }

            // One space between tokens, none inside "(...)", before "," or around "."; a function call keeps "name(".
            var space = _last != TokenKind.None
                && _last is not (TokenKind.Open or TokenKind.Dot)
                && kind is not (TokenKind.Close or TokenKind.Comma or TokenKind.Dot)
                && !(kind == TokenKind.Open && IsCallName());
            if (space)
            {
                Write(' ');
            }

            _beforeLast = _last;
            _last = kind;
        }

        private readonly bool IsCallName() =>
            (_last == TokenKind.Identifier && !_objectName)
            || (_last == TokenKind.Keyword && _lastKeyword is "COUNT" or "SUM" or "AVG" or "MIN" or "MAX" or "CAST" or "COALESCE" or "NULLIF")
            || (_last == TokenKind.Keyword && _lastKeyword == "VALUES" && _beforeLast == TokenKind.Operator); // MySQL's "= VALUES(col)"

        private void Write(char c)
        {
            if (_length == _buffer.Length)
            {
                Grow();
            }

            _buffer[_length++] = c;
        }

        private void Write(ReadOnlySpan<char> text)
        {
            while (_length + text.Length > _buffer.Length)
            {
                Grow();
            }

            text.CopyTo(_buffer.AsSpan(_length));
            _length += text.Length;
        }

        private void Grow()
        {
            var bigger = ArrayPool<char>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }
}
