using System.Text.Json.Nodes;

namespace Argus.Operations.Notifications;

/// <summary>
/// Renders a message as a Slack Block Kit payload for an incoming webhook: a header block, one or more mrkdwn section
/// blocks per section, a context block, and a plain <c>text</c> fallback for notifications and old clients.
/// Slack rejects a whole message that breaks a limit, so every limit is enforced here rather than hoped for.
/// </summary>
internal static class SlackPayload
{
    /// <summary>Slack's limit on the blocks of one message.</summary>
    public const int MaxBlocks = 50;

    /// <summary>Slack's limit on a section block's text.</summary>
    public const int MaxSectionText = 3000;

    /// <summary>Slack's limit on a header block's text.</summary>
    public const int MaxHeaderText = 150;

    public static JsonObject Build(NotificationMessage message)
    {
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(message.Title, MaxHeaderText), ["emoji"] = true },
            },
        };

        // Without sections, the plain text is the body.
        IEnumerable<NotificationSection> sections = message.Sections.Count > 0 ? message.Sections : [new NotificationSection("", message.Text)];
        var texts = sections.SelectMany(s => Chunks(s.Title.Length > 0 ? $"*{Escape(s.Title)}*\n{Escape(s.Body)}" : Escape(s.Body))).ToList();

        // Header and context take two blocks; when the sections need more than the rest, the last one says what is missing.
        var room = MaxBlocks - 2;
        if (texts.Count > room)
        {
            var omitted = texts.Count - (room - 1);
            texts = [.. texts.Take(room - 1), $"_… {omitted} more part(s); the full text is in Argus._"];
        }

        foreach (var text in texts)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } });
        }

        var context = $"*{Escape(message.Severity)}* · {Escape(message.Event)}";
        if (message.Link is { } link)
        {
            context += $" · <{link.AbsoluteUri}|Open in Argus>";
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate(context, MaxSectionText) }),
        });

        return new JsonObject
        {
            ["text"] = Truncate($"[{message.Severity}] {message.Title}", MaxSectionText),
            ["blocks"] = blocks,
        };
    }

    /// <summary>Slack's mrkdwn treats &amp;, &lt; and &gt; as control characters.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    /// <summary>Splits a long text into pieces Slack accepts, at line ends where possible, never inside an escape.</summary>
    private static IEnumerable<string> Chunks(string text)
    {
        var rest = text.Length == 0 ? " " : text;
        while (rest.Length > MaxSectionText)
        {
            var cut = rest.LastIndexOf('\n', MaxSectionText - 1);
            if (cut < MaxSectionText / 2)
            {
                cut = MaxSectionText;
                var amp = rest.LastIndexOf('&', cut - 1, Math.Min(cut, 5));
                if (amp >= 0 && rest.IndexOf(';', amp) >= cut)
                {
                    cut = amp;
                }
            }

            yield return rest[..cut];
            rest = rest[cut..].TrimStart('\n');
        }

        yield return rest.Length == 0 ? " " : rest;
    }
}
