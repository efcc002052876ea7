using Argus.Core.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Argus.Otlp.Tests;

public sealed class OtlpRegistrationTests
{
    [Fact]
    public async Task Invalid_limits_stop_the_host_at_start_with_the_option_named()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Services.AddSingleton<ITelemetrySink, FakeSink>();
        builder.Services.AddArgusOtlp(o => o.MaxAttributesPerRecord = 0);
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("MaxAttributesPerRecord", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mapping_without_registration_explains_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddArgusOtlp();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapOtlpHttp());
        Assert.Contains("ITelemetrySink", ex.Message, StringComparison.Ordinal);
    }
}
