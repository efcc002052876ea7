using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace Argus.AI.Gateway;

/// <summary>
/// Spans and metrics of the gateway under the OpenTelemetry GenAI semantic conventions: a span per call
/// (<c>chat role:&lt;code&gt;</c>) with a child span per link tried (<c>chat &lt;model&gt;</c>), and the
/// <c>gen_ai.client.operation.duration</c> and <c>gen_ai.client.token.usage</c> histograms.
/// </summary>
public static class GatewayTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string SourceName = "Argus.AI";

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter Meter = new(SourceName);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "Duration of GenAI operations through the Argus role gateway.");

    private static readonly Histogram<long> Tokens = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", "{token}", "Tokens used by GenAI operations through the Argus role gateway.");

    internal static Activity? StartCall(GatewayCall call)
    {
        var activity = Source.StartActivity($"chat role:{call.Request.RoleCode}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.request.model", "role:" + call.Request.RoleCode);
            activity.SetTag("argus.role.code", call.Request.RoleCode);
            activity.SetTag("argus.role.version", call.Request.RoleVersion);
            activity.SetTag("argus.tenant", call.Request.TenantId);
            activity.SetTag("argus.call.id", call.Id);
        }

        return activity;
    }

    internal static void EndCall(Activity? activity, GatewayCall call, string status, long input, long output, double seconds)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", call.Provider ?? "none" },
            { "gen_ai.request.model", "role:" + call.Request.RoleCode },
            { "gen_ai.response.model", call.Model ?? "none" },
        };
        if (status != "ok")
        {
            tags.Add("error.type", status);
        }

        Duration.Record(seconds, tags);
        if (status == "ok")
        {
            var input_ = tags;
            input_.Add("gen_ai.token.type", "input");
            Tokens.Record(input, input_);
            var output_ = tags;
            output_.Add("gen_ai.token.type", "output");
            Tokens.Record(output, output_);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag("gen_ai.provider.name", call.Provider);
        activity.SetTag("gen_ai.response.model", call.Model);
        activity.SetTag("gen_ai.usage.input_tokens", input);
        activity.SetTag("gen_ai.usage.output_tokens", output);
        activity.SetTag("argus.chain.served_link", call.ServedLink);
        if (status != "ok")
        {
            activity.SetTag("error.type", status);
            activity.SetStatus(ActivityStatusCode.Error, status);
        }
    }

    internal static Activity? StartLink(GatewayLink link)
    {
        var activity = Source.StartActivity($"chat {link.Model}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", link.Provider);
            activity.SetTag("gen_ai.request.model", link.Model);
            activity.SetTag("argus.chain.link", link.Index);
            if (link.Options.Temperature is { } t)
            {
                activity.SetTag("gen_ai.request.temperature", t);
            }

            if (link.Options.MaxOutputTokens is { } m)
            {
                activity.SetTag("gen_ai.request.max_tokens", m);
            }
        }

        return activity;
    }

    internal static void EndLink(Activity? activity, UsageDetails? usage, string? error)
    {
        if (activity is null)
        {
            return;
        }

        if (usage is not null)
        {
            activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokenCount);
            activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokenCount);
        }

        if (error is not null)
        {
            activity.SetTag("error.type", error);
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
