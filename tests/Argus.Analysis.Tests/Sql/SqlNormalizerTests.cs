using Argus.Analysis.Sql;

namespace Argus.Analysis.Tests.Sql;

public sealed class SqlNormalizerTests
{
    [Theory]
    [InlineData("SELECT * FROM orders WHERE id = 42", "SELECT * FROM orders WHERE id = ?")]
    [InlineData("select name from users where email = 'a@b.com' and age > 3.5e2", "SELECT name FROM users WHERE email = ? AND age > ?")]
    [InlineData("SELECT * FROM t WHERE s = 'it''s' AND n = N'ünï' AND e = E'a\\'b' AND h = 0xFF AND x = X'0A0B'", "SELECT * FROM t WHERE s = ? AND n = ? AND e = ? AND h = ? AND x = ?")]
    [InlineData("SELECT * FROM t WHERE id IN (1, 2, 3, 4)", "SELECT * FROM t WHERE id IN (?)")]
    [InlineData("SELECT * FROM t WHERE id IN ($1, $2) AND a = :name AND b = @p0 AND c = ? AND d = :1", "SELECT * FROM t WHERE id IN (?) AND a = ? AND b = ? AND c = ? AND d = ?")]
    [InlineData("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT INTO t (a, b) VALUES (?)")]
    [InlineData("SELECT a -- trailing comment\nFROM t /* block\ncomment */ WHERE  x=-1;", "SELECT a FROM t WHERE x = ?")]
    [InlineData("SELECT \"Id\", `name`, [Total] FROM [dbo].[Orders]", "SELECT Id, name, Total FROM dbo.Orders")]
    [InlineData("SELECT * FROM t WHERE flag = TRUE AND deleted IS NULL", "SELECT * FROM t WHERE flag = TRUE AND deleted IS NULL")]
    [InlineData("SELECT count(*) FROM t WHERE x::int > 1", "SELECT COUNT(*) FROM t WHERE x :: int > ?")]
    [InlineData("SELECT $tag$ any 'text' $tag$ FROM t", "SELECT ? FROM t")]
    public void Normalises(string sql, string expected) => Assert.Equal(expected, SqlNormalizer.Analyze(sql).NormalizedText);

    [Theory]
    [InlineData("SELECT * FROM orders WHERE id = 1", "select *   from orders where id=987654")]
    [InlineData("SELECT * FROM t WHERE id IN (1)", "SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5, 6)")]
    [InlineData("INSERT INTO t (a) VALUES (1)", "INSERT INTO t (a) VALUES (1), (2), (3)")]
    [InlineData("UPDATE users SET name = 'Ann' WHERE id = 7", "UPDATE users SET name = 'Bob O''Neil' WHERE id = 8 -- retry")]
    [InlineData("SELECT * FROM t WHERE a = $1", "SELECT * FROM t WHERE a = @p0")]
    [InlineData("SELECT * FROM t WHERE a = -5", "SELECT * FROM t WHERE a = 5;")]
    public void Same_shape_same_fingerprint(string a, string b)
    {
        Assert.Equal(SqlNormalizer.Fingerprint(a), SqlNormalizer.Fingerprint(b));
        Assert.Equal(SqlNormalizer.Analyze(a).Fingerprint, SqlNormalizer.Fingerprint(b));
        Assert.NotEqual(0UL, SqlNormalizer.Fingerprint(a));
    }

    [Theory]
    [InlineData("SELECT * FROM orders WHERE id = 1", "SELECT * FROM customers WHERE id = 1")]
    [InlineData("SELECT * FROM orders WHERE id = 1", "SELECT * FROM orders WHERE status = 1")]
    [InlineData("SELECT a FROM t", "SELECT b FROM t")]
    [InlineData("DELETE FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 1")]
    [InlineData("SELECT * FROM t WHERE a = 1 AND b = 2", "SELECT * FROM t WHERE a = 1 OR b = 2")]
    public void Different_shape_different_fingerprint(string a, string b) =>
        Assert.NotEqual(SqlNormalizer.Fingerprint(a), SqlNormalizer.Fingerprint(b));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t")]
    public void Blank_has_no_fingerprint(string? sql) => Assert.Equal(0UL, SqlNormalizer.Fingerprint(sql));

    [Theory]
    // MySQL
    [InlineData("SELECT o.id, c.name FROM shop.orders o JOIN customers AS c ON c.id = o.customer_id LEFT JOIN `order_items` oi ON oi.order_id = o.id WHERE o.id = 5", CrudKind.Select, "shop.orders,customers,order_items")]
    [InlineData("INSERT INTO audit_log (user_id, action) VALUES (1, 'login') ON DUPLICATE KEY UPDATE action = VALUES(action)", CrudKind.Insert, "audit_log")]
    [InlineData("REPLACE INTO sessions (id, data) VALUES ('abc', '{}')", CrudKind.Insert, "sessions")]
    // PostgreSQL
    [InlineData("WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT r.id FROM recent r JOIN customers c ON c.id = r.customer_id", CrudKind.Select, "orders,customers")]
    [InlineData("WITH moved AS (DELETE FROM queue WHERE id = $1 RETURNING *) INSERT INTO archive SELECT * FROM moved", CrudKind.Insert, "queue,archive")]
    [InlineData("UPDATE inventory i SET quantity = i.quantity - 1 FROM products p WHERE p.id = i.product_id AND p.sku = $1", CrudKind.Update, "inventory,products")]
    [InlineData("SELECT extract(year FROM created_at), count(*) FROM public.orders, public.refunds r GROUP BY 1", CrudKind.Select, "public.orders,public.refunds")]
    [InlineData("SELECT * FROM (SELECT id FROM a UNION ALL SELECT id FROM b) x WHERE EXISTS (SELECT 1 FROM c WHERE c.id = x.id)", CrudKind.Select, "a,b,c")]
    // Oracle
    [InlineData("SELECT * FROM (SELECT e.*, ROWNUM rn FROM hr.employees e WHERE ROWNUM <= :max) WHERE rn > :min", CrudKind.Select, "hr.employees")]
    [InlineData("MERGE INTO accounts a USING staged_accounts s ON (a.id = s.id) WHEN MATCHED THEN UPDATE SET a.balance = s.balance WHEN NOT MATCHED THEN INSERT (id, balance) VALUES (s.id, s.balance)", CrudKind.Merge, "accounts,staged_accounts")]
    [InlineData("DELETE orders WHERE id = :1", CrudKind.Delete, "orders")]
    [InlineData("BEGIN pkg_billing.charge(:acct, :amount); END;", CrudKind.Other, "")]
    // SQL Server
    [InlineData("SELECT TOP (10) [o].[Id] FROM [dbo].[Orders] AS [o] WITH (NOLOCK) INNER JOIN [dbo].[Customers] [c] ON [c].[Id] = [o].[CustomerId] WHERE [o].[Total] > @__p_0", CrudKind.Select, "dbo.Orders,dbo.Customers")]
    [InlineData("DELETE FROM [dbo].[Carts] WHERE [Id] = @p0", CrudKind.Delete, "dbo.Carts")]
    [InlineData("EXEC dbo.usp_GetOrders @CustomerId = 5", CrudKind.Call, "")]
    // DDL
    [InlineData("DROP TABLE IF EXISTS tmp_import", CrudKind.Ddl, "tmp_import")]
    [InlineData("TRUNCATE TABLE staging.events", CrudKind.Ddl, "staging.events")]
    [InlineData("CREATE INDEX ix_orders_customer ON orders (customer_id)", CrudKind.Ddl, "")]
    public void Finds_tables_and_crud(string sql, CrudKind crud, string tables)
    {
        var shape = SqlNormalizer.Analyze(sql);
        Assert.Equal(crud, shape.Crud);
        Assert.Equal(tables, string.Join(',', shape.Tables));
    }

    [Fact]
    public void Repeated_tables_are_listed_once_in_order_of_appearance()
    {
        var shape = SqlNormalizer.Analyze("SELECT * FROM b JOIN a ON a.id = b.id WHERE b.x IN (SELECT x FROM a)");
        Assert.Equal(["b", "a"], shape.Tables);
    }

    [Fact]
    public void Long_statements_normalise_without_error()
    {
        var sql = "INSERT INTO t (a, b) VALUES " + string.Join(", ", Enumerable.Range(0, 5000).Select(i => $"({i}, 'v{i}')"));
        var shape = SqlNormalizer.Analyze(sql);
        Assert.Equal("INSERT INTO t (a, b) VALUES (?)", shape.NormalizedText);
        Assert.Equal(CrudKind.Insert, shape.Crud);
    }
}
