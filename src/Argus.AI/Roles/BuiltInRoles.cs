using System.Text.Json;
using Argus.AI.Providers;

namespace Argus.AI.Roles;

/// <summary>The roles every tenant starts with. Their chains end with the built-in analyst, so they always answer.</summary>
public static class BuiltInRoles
{
    /// <summary>Explains a firing alert from the analyzers' findings.</summary>
    public const string AlertAnalyzer = "alert-analyzer";

    /// <summary>Judges the health of applications after a change (deploy, config).</summary>
    public const string ChangeTracker = "change-tracker";

    /// <summary>Answers the on-call engineer's questions.</summary>
    public const string OnCallAssistant = "oncall-assistant";

    /// <summary>The change tracker's response schema, <c>application_health_report_format</c>.</summary>
    public const string ApplicationHealthReportSchema = """
        {
          "type": "object",
          "properties": {
            "applications": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": { "type": "string" },
                  "applicationId": { "type": "number" },
                  "state": { "type": "string", "enum": ["STABLE", "MOSTLY_STABLE", "UNSTABLE"] },
                  "metric": { "type": "array", "items": { "type": "string", "enum": ["TRANSACTION", "ALERT", "ISSUE"] } },
                  "comment": { "type": "string" }
                },
                "required": ["name", "applicationId", "state", "metric", "comment"],
                "additionalProperties": false
              }
            },
            "state": { "type": "string", "enum": ["STABLE", "MOSTLY_STABLE", "UNSTABLE"] },
            "comment": { "type": "string" }
          },
          "required": ["applications", "state", "comment"],
          "additionalProperties": false
        }
        """;

    private static readonly ChainLink[] BuiltInChain = [new ChainLink { Provider = ProviderOptions.BuiltInName, Model = ArgusAnalystChatClient.ModelId }];

    /// <summary>The built-in role definitions.</summary>
    public static IReadOnlyList<RoleDefinition> All { get; } =
    [
        new RoleDefinition
        {
            Code = AlertAnalyzer,
            Name = "Alert analyzer",
            Description = "Explains a firing alert for the on-call engineer from the analyzers' findings.",
            SystemMessage = """
                You are Argus's incident analyst. An alert fired: {{alert}} on service {{service}}.
                The deterministic analyzers measured these findings: {{findings}}
                Explain in plain language what is most likely wrong, which finding supports it, and the next step to take.
                Do not invent numbers that are not in the findings. Keep it under 200 words.
                """,
            Variables =
            [
                new RoleVariable("alert", "The alert rule's name and what it measures."),
                new RoleVariable("service", "The service the alert is about.", "unknown"),
                new RoleVariable("findings", "The analyzers' findings, as text or JSON.", "none"),
            ],
            Chain = BuiltInChain,
            Parameters = new RoleParameters { Temperature = 0.2f, MaxOutputTokens = 800 },
        },
        new RoleDefinition
        {
            Code = ChangeTracker,
            Name = "Change tracker",
            Description = "Judges each application's health after a change (deploy, configuration) from measured degradations.",
            SystemMessage = """
                You are Argus's change tracker. After the change {{change}}, the analyzers measured, per application,
                which of transactions, alerts and issues degraded: {{applications}}
                Judge each application STABLE, MOSTLY_STABLE or UNSTABLE, list the degraded metrics, and comment briefly.
                Answer only with the JSON object the schema describes.
                """,
            Variables =
            [
                new RoleVariable("change", "What changed (version, deploy id).", "the latest deploy"),
                new RoleVariable("applications", "JSON array of { name, applicationId, transactions, alerts, issues }.", "[]"),
            ],
            Chain = BuiltInChain,
            Parameters = new RoleParameters { Temperature = 0f, MaxOutputTokens = 2000 },
            ResponseFormat = new RoleResponseFormat
            {
                Type = RoleResponseFormat.JsonSchemaType,
                Name = "application_health_report_format",
                Description = "Health of each application after a change.",
                Strict = true,
                Schema = JsonDocument.Parse(ApplicationHealthReportSchema).RootElement.Clone(),
            },
        },
        new RoleDefinition
        {
            Code = OnCallAssistant,
            Name = "On-call assistant",
            Description = "Answers the on-call engineer's questions about the current state of a service and its recent incidents.",
            SystemMessage = """
                You are Argus's on-call assistant for the service {{service}}. Answer briefly and concretely.
                Known context: {{context}}
                If the context does not contain the answer, say so and suggest which Argus query would find it.
                """,
            Variables =
            [
                new RoleVariable("service", "The service in question.", "any"),
                new RoleVariable("context", "Recent alerts, deploys and findings.", "none"),
            ],
            Chain = BuiltInChain,
            Parameters = new RoleParameters { Temperature = 0.3f, MaxOutputTokens = 1000 },
        },
    ];
}
