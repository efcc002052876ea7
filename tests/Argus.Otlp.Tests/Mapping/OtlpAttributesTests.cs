using Argus.Otlp.Mapping;
using Argus.Otlp.Proto.Common;
using Google.Protobuf;

namespace Argus.Otlp.Tests.Mapping;

public sealed class OtlpAttributesTests
{
    // xunit needs public theory parameters and AnyValue is internal, so the theory passes an index into this table.
    private static readonly (AnyValue Value, string Expected)[] Cases =
    [
        (new AnyValue { StringValue = "héllo" }, "héllo"),
        (new AnyValue { BoolValue = true }, "true"),
        (new AnyValue { BoolValue = false }, "false"),
        (new AnyValue { IntValue = -42 }, "-42"),
        (new AnyValue { DoubleValue = 637.704 }, "637.704"),
        (new AnyValue { DoubleValue = 1e21 }, "1E+21"),
        (new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 255) }, "AQL/"),
        (new AnyValue(), ""),
        (Array(new AnyValue { StringValue = "many" }, new AnyValue { IntValue = 2 }, new AnyValue { BoolValue = true }, new AnyValue { DoubleValue = double.NaN }), "[\"many\",2,true,\"NaN\"]"),
        (Map(("k", new AnyValue { StringValue = "v \"q\"" }), ("n", Array()), ("z", new AnyValue())), "{\"k\":\"v \\\"q\\\"\",\"n\":[],\"z\":null}"),
    ];

    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, Cases.Length));

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Renders_values_as_text(int index) => Assert.Equal(Cases[index].Expected, OtlpAttributes.Render(Cases[index].Value));

    [Fact]
    public void Truncation_does_not_split_a_surrogate_pair()
    {
        var text = "ab\U0001F600cd"; // a, b, high, low, c, d
        Assert.Equal("ab", OtlpAttributes.Truncate(text, 3));
        Assert.Equal("ab\U0001F600", OtlpAttributes.Truncate(text, 4));
        Assert.Same(text, OtlpAttributes.Truncate(text, 6));
    }

    private static AnyValue Array(params AnyValue[] values)
    {
        var array = new ArrayValue();
        array.Values.Add(values);
        return new AnyValue { ArrayValue = array };
    }

    private static AnyValue Map(params (string Key, AnyValue Value)[] entries)
    {
        var list = new KeyValueList();
        foreach (var (key, value) in entries)
        {
            list.Values.Add(new KeyValue { Key = key, Value = value });
        }

        return new AnyValue { KvlistValue = list };
    }
}
