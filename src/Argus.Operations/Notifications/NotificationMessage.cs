using System.Text.Json;

namespace Argus.Operations.Notifications;

/// <summary>
/// What a notification says, independent of the channel that carries it. Rich channels (Slack, the HTML part of an
/// e-mail) render <see cref="Sections"/>; plain ones use <see cref="Text"/>; webhooks get everything, plus <see cref="Data"/>.
/// </summary>
/// <param name="Event">What happened, e.g. <c>incident.report</c>, <c>alert.firing</c>, <c>alert.resolved</c> or <c>test</c> (see <see cref="NotificationEvents"/>).</param>
/// <param name="Title">One line, the header of the message and the subject of an e-mail.</param>
/// <param name="Severity">The severity as the rule states it, e.g. <c>critical</c>, <c>warning</c>, <c>info</c>.</param>
/// <param name="Text">The full plain text (e.g. the alert header, then the four-section report).</param>
public sealed record NotificationMessage(string Event, string Title, string Severity, string Text)
{
    /// <summary>The message in titled parts, for renderers that lay them out (Slack sections, HTML headings). May be empty.</summary>
    public IReadOnlyList<NotificationSection> Sections { get; init; } = [];

    /// <summary>Where to read more (the incident in the Argus console), if anywhere.</summary>
    public Uri? Link { get; init; }

    /// <summary>
    /// The structured payload (incident id, rule, service, findings...), sent as is in the webhook's <c>data</c>.
    /// A <see cref="JsonElement"/> because it is immutable: one message is rendered by several deliveries at once.
    /// </summary>
    public JsonElement? Data { get; init; }
}

/// <summary>A titled part of a <see cref="NotificationMessage"/>.</summary>
public sealed record NotificationSection(string Title, string Body);

/// <summary>The event names Argus sends.</summary>
public static class NotificationEvents
{
    /// <summary>An incident report was written.</summary>
    public const string IncidentReport = "incident.report";

    /// <summary>An alert started firing.</summary>
    public const string AlertFiring = "alert.firing";

    /// <summary>An alert stopped firing.</summary>
    public const string AlertResolved = "alert.resolved";

    /// <summary>A test message sent from <c>POST /api/channels/{id}/test</c>.</summary>
    public const string Test = "test";
}
