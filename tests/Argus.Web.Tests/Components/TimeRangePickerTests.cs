using Argus.Web.Components.Layout;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using Xunit;

namespace Argus.Web.Tests.Components;

/// <summary>The time range picker reads its range from the address and writes the chosen one back to it.</summary>
public sealed class TimeRangePickerTests : BunitContext
{
    public TimeRangePickerTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
        Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public void An_absolute_range_in_the_address_opens_the_custom_fields_with_its_times()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/traces?from=2026-06-15T12:00:00Z&to=2026-06-15T13:30:00Z");

        var picker = Render<TimeRangePicker>();

        Assert.Equal("2026-06-15T12:00:00", picker.Find("#time-range-from").GetAttribute("value"));
        Assert.Equal("2026-06-15T13:30:00", picker.Find("#time-range-to").GetAttribute("value"));
    }

    [Fact]
    public void Applying_custom_times_puts_them_in_the_address_and_drops_the_relative_range()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/logs?range=6h&service=checkout");
        var picker = Render<TimeRangePicker>();
        Assert.Empty(picker.FindAll("#time-range-from"));

        var select = picker.FindComponent<FluentSelect<string>>();
        select.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("custom"));
        picker.Find("#time-range-from").Change("2026-06-15T12:00:00");
        picker.Find("#time-range-to").Change("2026-06-15T14:00:00");
        var apply = picker.FindComponent<FluentButton>();
        apply.InvokeAsync(() => apply.Instance.OnClick.InvokeAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()));

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query);
        Assert.Equal("checkout", query["service"]);
        Assert.False(query.ContainsKey("range"));
        Assert.Equal("2026-06-15T12:00:00Z", query["from"]);
        Assert.Equal("2026-06-15T14:00:00Z", query["to"]);
    }

    [Fact]
    public void Choosing_a_relative_range_replaces_an_absolute_one()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/services?from=2026-06-15T12:00:00Z&to=2026-06-15T13:00:00Z");
        var picker = Render<TimeRangePicker>();

        var select = picker.FindComponent<FluentSelect<string>>();
        select.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("24h"));

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query);
        Assert.Equal("24h", query["range"]);
        Assert.False(query.ContainsKey("from"));
        Assert.False(query.ContainsKey("to"));
    }

    [Fact]
    public void A_relative_range_that_is_not_offered_is_shown_among_the_choices_in_order()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/services?range=3h");

        var picker = Render<TimeRangePicker>();

        var options = picker.FindAll("#time-range-select fluent-option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(["15m", "1h", "3h", "6h", "24h", "7d", "custom"], options);
        Assert.Equal("3h", picker.FindComponent<FluentSelect<string>>().Instance.Value);
    }
}
