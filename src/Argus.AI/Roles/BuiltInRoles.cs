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

    /// <summary>
    /// The alert analyzer's response schema, <c>incident_report_format</c>: the four sections of the report, with at most
    /// three points in the profile analysis and the action plan. Argus renders it with the section titles of the
    /// tenant's language, so the format holds whatever the model writes.
    /// </summary>
    public const string IncidentReportSchema = """
        {
          "type": "object",
          "properties": {
            "summary": {
              "type": "string",
              "description": "What happened, in one to three sentences: the alert, the service and the main cause."
            },
            "transaction": {
              "type": "string",
              "description": "The analysed transaction: endpoint, service and instance, start time, response time, status, counts of SQL, external calls and exceptions."
            },
            "profileAnalysis": {
              "type": "array",
              "description": "At most three points, most important first. Name SQL by its step number in the profile (\"SQL #3\") with its time, share of the response time, tables and CRUD kind; or the slow external address; or the exception and where it was thrown.",
              "items": { "type": "string" },
              "maxItems": 3
            },
            "actionPlan": {
              "type": "array",
              "description": "At most three concrete steps matched to the findings, most important first.",
              "items": { "type": "string" },
              "maxItems": 3
            },
            "operatingNormally": {
              "type": "boolean",
              "description": "True when nothing significant was found and the system is operating normally."
            }
          },
          "required": ["summary", "transaction", "profileAnalysis", "actionPlan", "operatingNormally"],
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
            Description = "Writes the Incident AI Report for a firing alert from the transaction profile and the analyzers' findings.",
            SystemMessage = """
                You are Argus's incident analyst. An alert fired:
                {{alert}}
                The worst transaction that matched, as a profile (JSON; steps and SQL statements are numbered as "SQL #n"):
                {{profile}}
                The deterministic analyzers measured these findings (JSON, most important first):
                {{findings}}
                Write the incident report in {{language}} as the JSON object the schema describes:
                - summary: one or two sentences on what happened and the most likely cause;
                - transaction: the URL and method, the instance, the total response time, the SQL time and the call counts;
                - profileAnalysis: at most three points, each naming the SQL statement by its index in the profile, how long it
                  took and its share of the total, its tables and CRUD kind; or the external address that was slow; or the
                  exception and where it was thrown;
                - actionPlan: at most three concrete, numbered-in-order steps;
                - operatingNormally: true only when nothing is seriously wrong, and then say that the system is operating normally.
                Use only numbers that appear in the profile or the findings.
                """,
            Variables =
            [
                new RoleVariable("alert", "The classic alert text: phase, service, rule, condition, window and counts per instance."),
                new RoleVariable("service", "The service the alert is about.", "unknown"),
                new RoleVariable("profile", "The representative transaction's profile, as JSON.", "{}"),
                new RoleVariable("findings", "The analyzers' findings, as JSON.", "[]"),
                new RoleVariable("language", "The language of the report (English, Korean).", "English"),
            ],
            Chain = BuiltInChain,
            Parameters = new RoleParameters { Temperature = 0.2f, MaxOutputTokens = 1200 },
            ResponseFormat = new RoleResponseFormat
            {
                Type = RoleResponseFormat.JsonSchemaType,
                Name = "incident_report_format",
                Description = "The four sections of an Incident AI Report.",
                Strict = true,
                Schema = JsonDocument.Parse(IncidentReportSchema).RootElement.Clone(),
            },
        },
        new RoleDefinition
        {
            Code = ChangeTracker,
            Name = "Change tracker",
            Description = "Explains each application's health after a change (deploy, configuration) from the snapshots and the statistical judgement.",
            SystemMessage = """
                You are Argus's change tracker. The change: {{change}}
                Health snapshots per application, JSON: the window ending at the check ("current") and the same window a day
                ("dayBefore") and a week ("weekBefore") earlier: requests, errors, p50/p90/p95 latency in ms, logs by level,
                top issues (new, regressed, spiking) and alerts fired:
                {{snapshots}}
                The statistical judgement, JSON, made first: per application and metric a state (OK, WORSE, BETTER, NO_DATA),
                the p-value, the effect size and the reason; an application is UNSTABLE when a critical metric is WORSE,
                MOSTLY_STABLE when another one is, and judged on absolute thresholds when it has no baseline:
                {{judgement}}
                For each application give its state (STABLE, MOSTLY_STABLE or UNSTABLE), the failing metric categories
                (TRANSACTION for requests, errors and latency; ISSUE for error logs and issues; ALERT for alerts) and a short
                comment that explains the numbers; then the overall state and a comment. Keep applicationId as given.
                Answer only with the JSON object the schema describes.
                """,
            Variables =
            [
                new RoleVariable("change", "What changed: the deployment, its applications and version, the check's offset.", "the latest deploy"),
                new RoleVariable("snapshots", "JSON array of { name, applicationId, current, dayBefore, weekBefore } health snapshots.", "[]"),
                new RoleVariable("judgement", "JSON of the statistical judgement: { state, applications: [{ name, applicationId, state, metric, basis, note, metrics }] }.", "{}"),
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
