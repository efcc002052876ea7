using Argus.Analysis.Logs;

namespace Argus.Analysis.Tests.Logs;

public sealed class LogTemplateMinerTests
{
    [Fact]
    public void Values_are_masked_and_the_template_is_generalised_without_changing_its_id()
    {
        var miner = new LogTemplateMiner();

        var first = miner.Add("session opened for user cyrus by (uid=0)");
        var second = miner.Add("session opened for user news by (uid=0)");
        var third = miner.Add("session opened for user news by (uid=42)");

        Assert.Equal(LogTemplateChange.Created, first.Change);
        Assert.Equal("session opened for user cyrus by (uid=<*>)", first.Template);
        Assert.Equal(LogTemplateChange.Generalized, second.Change);
        Assert.Equal("session opened for user <*> by (uid=<*>)", second.Template);
        Assert.Equal(LogTemplateChange.None, third.Change);
        Assert.Equal(first.TemplateId, second.TemplateId);
        Assert.Equal(first.TemplateId, third.TemplateId);
        Assert.Equal(3, miner.GetTemplate(first.TemplateId)!.Count);
    }

    [Theory]
    [InlineData("Connected to 10.1.2.3:8080 in 35 ms", "Connected to <*> in <*> ms")]
    [InlineData("GET https://example.com/a/b?c=1 failed", "GET <*> failed")]
    [InlineData("Opened /var/lib/argus/data.db", "Opened <*>")]
    [InlineData("request 3f2a9c1e-1b2c-4d5e-8f90-0a1b2c3d4e5f done", "request <*> done")]
    [InlineData("wrote 8.8 KB to cache", "wrote <*> to cache")]
    [InlineData("generating core.2275", "generating core.<*>")]
    [InlineData("Failed to renew lease for [DFSClient_NONMAPREDUCE_1_1] for 30 seconds", "Failed to renew lease for [<*>] for <*> seconds")]
    [InlineData("link up on eth0 at Fri Jun 17 07:07:00 2005", "link up on eth0 at <*> <*> <*> <*> <*>")]
    public void Masking_keeps_constants_and_masks_value_shapes(string line, string template)
    {
        Assert.Equal(template, new LogTemplateMiner().Add(line).Template);
    }

    [Fact]
    public void Different_states_and_identifiers_stay_different_templates()
    {
        var miner = new LogTemplateMiner();

        var a = miner.Add("task_1 Task Transitioned from NEW to SCHEDULED");
        var b = miner.Add("task_2 Task Transitioned from SCHEDULED to RUNNING");
        var c = miner.Add("proxy.example.com:5070 open through proxy p.example.com:5070 HTTPS");
        var d = miner.Add("proxy.example.com:5070 open through proxy p.example.com:5070 SOCKS5");

        Assert.NotEqual(a.TemplateId, b.TemplateId);
        Assert.NotEqual(c.TemplateId, d.TemplateId);
    }

    [Fact]
    public void State_round_trips_and_ids_stay_stable_across_restarts()
    {
        var lines = new[]
        {
            "user alice logged in from 10.0.0.1 over ssh",
            "user bob logged in from 10.0.0.2 over ssh",
            "disk /dev/sda1 is 93% full",
            "cache miss for key 42",
        };
        var miner = new LogTemplateMiner();
        var ids = lines.Select(l => miner.Add(l).TemplateId).ToArray();

        using var stream = new MemoryStream();
        miner.Save(stream);
        stream.Position = 0;
        var restored = LogTemplateMiner.Load(stream);

        Assert.Equal(miner.GetTemplates(), restored.GetTemplates());
        Assert.Equal(ids, lines.Select(l => restored.Add(l).TemplateId).ToArray());
        Assert.Equal(ids[0], restored.Add("user carol logged in from 10.0.0.9 over ssh").TemplateId);

        // A fresh miner fed the same stream gives the same ids: they derive from content, not from hash iteration order.
        var replay = new LogTemplateMiner();
        Assert.Equal(ids, lines.Select(l => replay.Add(l).TemplateId).ToArray());
    }

    [Fact]
    public void Load_rejects_data_that_is_not_a_miner_state()
    {
        using var stream = new MemoryStream("{\"version\":99,\"templates\":[]}"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => LogTemplateMiner.Load(stream));
        using var garbage = new MemoryStream("not json"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => LogTemplateMiner.Load(garbage));
    }

    [Fact]
    public void State_stays_bounded_under_a_million_lines_of_random_variables()
    {
        const int cap = 500;
        var miner = new LogTemplateMiner(new LogTemplateMinerOptions { MaxTemplates = cap, MaxTokens = 32, MaxTokenLength = 64 });
        var random = new Random(7);
        var vocabulary = new[] { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "failed", "opened" };

        // 2,000 event shapes (four times the cap, so eviction must work), some longer than MaxTokens; a null word is a
        // variable slot filled with a random number, hex id, address or an over-long blob on every line.
        var shapes = new string?[2_000][];
        for (var s = 0; s < shapes.Length; s++)
        {
            shapes[s] = new string?[random.Next(2, 48)];
            for (var w = 0; w < shapes[s].Length; w++)
            {
                shapes[s][w] = random.Next(3) == 0 ? null : vocabulary[random.Next(vocabulary.Length)];
            }
        }

        var buffer = new System.Text.StringBuilder();
        for (var i = 0; i < 1_000_000; i++)
        {
            buffer.Clear();
            foreach (var word in shapes[random.Next(shapes.Length)])
            {
                buffer.Append(word ?? (random.Next(4) switch
                {
                    0 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => "0x" + random.NextInt64().ToString("x", System.Globalization.CultureInfo.InvariantCulture),
                    2 => $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}:{random.Next(65536)}",
                    _ => new string('z', random.Next(1, 100)),
                })).Append(' ');
            }

            miner.Add(buffer.ToString());
            if (i % 1_000 == 0)
            {
                Assert.True(miner.Count <= cap);
            }
        }

        Assert.Equal(cap, miner.Count);
        var templates = miner.GetTemplates();
        Assert.All(templates, t => Assert.True(t.Text.Split(' ').Length <= 32));
        Assert.All(templates, t => Assert.All(t.Text.Split(' '), w => Assert.True(w.Length <= 64)));
        using var stream = new MemoryStream();
        miner.Save(stream);
        Assert.True(stream.Length < cap * 32 * 80, $"State is {stream.Length} bytes.");
    }

    [Fact]
    public void Restore_puts_templates_back_under_their_ids_as_a_journal_replay_does()
    {
        var lines = new[]
        {
            "user alice logged in from 10.0.0.1 over ssh",
            "user bob logged in from 10.0.0.2 over ssh",
            "disk /dev/sda1 is 93% full",
            string.Empty,
        };
        var miner = new LogTemplateMiner();
        var ids = lines.Select(l => miner.Add(l).TemplateId).ToArray();

        var restored = new LogTemplateMiner();
        foreach (var template in miner.GetTemplates())
        {
            restored.Restore(template.Id, template.Text);
        }

        Assert.Equal(miner.GetTemplates().Select(t => (t.Id, t.Text)).Order(), restored.GetTemplates().Select(t => (t.Id, t.Text)).Order());
        Assert.Equal(ids, lines.Select(l => restored.Add(l).TemplateId).ToArray());

        // A later, more general text replaces the earlier one under the same id, and lines match it.
        restored.Restore(ids[0], "user <*> logged in from <*> over <*>");
        Assert.Equal("user <*> logged in from <*> over <*>", restored.GetTemplate(ids[0])!.Text);
        Assert.Equal(ids[0], restored.Add("user dave logged in from 10.1.1.1 over telnet").TemplateId);
        Assert.Equal(miner.Count, restored.Count);
    }

    [Fact]
    public void Empty_and_blank_bodies_have_a_template()
    {
        var miner = new LogTemplateMiner();
        var empty = miner.Add(string.Empty);
        Assert.Equal(empty.TemplateId, miner.Add("   ").TemplateId);
        Assert.Equal(string.Empty, empty.Template);
    }

    [Fact]
    public void Least_recently_used_template_is_evicted_first()
    {
        var miner = new LogTemplateMiner(new LogTemplateMinerOptions { MaxTemplates = 2 });
        var a = miner.Add("alpha started").TemplateId;
        var b = miner.Add("beta started").TemplateId;
        miner.Add("alpha started");
        var c = miner.Add("gamma started").TemplateId;

        Assert.NotNull(miner.GetTemplate(a));
        Assert.Null(miner.GetTemplate(b));
        Assert.NotNull(miner.GetTemplate(c));
    }

    [Fact]
    public void Concurrent_writers_see_a_consistent_miner()
    {
        var miner = new LogTemplateMiner();
        Parallel.For(0, 20_000, i => miner.Add($"worker {i % 7} processed item {i} in {i % 100} ms"));
        var templates = miner.GetTemplates();
        Assert.Equal(20_000, templates.Sum(t => t.Count));
    }

    [Fact]
    public void Invalid_options_fail_with_the_setting_name()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LogTemplateMiner(new LogTemplateMinerOptions { SimilarityThreshold = 0 }));
        Assert.Equal("SimilarityThreshold", ex.ParamName);
    }

    [Fact]
    public void Csv_fields_are_quoted_when_needed()
    {
        var row = new System.Text.StringBuilder();
        LogParseRunner.AppendCsvField(row, "a, \"b\"");
        Assert.Equal("\"a, \"\"b\"\"\"", row.ToString());
    }

    [Fact]
    public void Format_without_content_field_is_rejected()
    {
        Assert.Throws<FormatException>(() => LoghubFormat.Parse("<Date> <Time>"));
        var format = LoghubFormat.Parse(@"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>");
        Assert.True(format.TryGetContent("2015-10-18 18:01:47,978 INFO [main] org.Foo: Hello world", out var content));
        Assert.Equal("Hello world", content);
        Assert.False(format.TryGetContent("garbage", out content));
        Assert.Equal("garbage", content);
    }
}
