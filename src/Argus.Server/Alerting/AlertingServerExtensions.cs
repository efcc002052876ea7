using Argus.AI.Providers;
using Argus.Core.Alerting;
using Argus.Operations.Alerting;
using Argus.Operations.IncidentReports;
using Argus.Server.Configuration;
using Argus.Storage.DuckDb;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Argus.Server.Alerting;

/// <summary>Wires alert rules, the evaluator, incident reports and external alerts into the server.</summary>
internal static partial class AlertingServerExtensions
{
    public static IServiceCollection AddArgusAlerting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStartupValidatedOptions<AlertingOptions>(configuration, AlertingOptions.SectionName);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AlertingJsonContext.Default));

        services.AddSingleton<IAlertSignalReader>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<EfAlertStore>();
        services.AddSingleton<IAlertStore>(sp => sp.GetRequiredService<EfAlertStore>());
        services.AddSingleton<IIncidentStore, EfIncidentStore>();
        services.AddSingleton<IRoleResolver, ControlPlaneRoleResolver>();
        services.AddSingleton<AlertRuleEvaluator>();
        services.AddSingleton<IncidentQueue>();
        services.AddSingleton<IAlertReporter>(sp => sp.GetRequiredService<IncidentQueue>());
        services.TryAddSingleton<Argus.Operations.UseCaseRoleCaller>();
        services.AddSingleton<IncidentReporter>();
        services.AddSingleton<ExternalAlertIngestor>();
        services.AddSingleton<IBuiltInRoleAnalyst, AlertAnalyzerAnalyst>();
        services.AddSingleton<AlertEvaluatorService>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluatorService>());
        services.AddHostedService<IncidentReportWorker>();
        return services;
    }

    public static RouteGroupBuilder MapAlerting(this RouteGroupBuilder api) => api.MapAlertingApi().MapIncidentsApi();

    /// <summary>Loads <c>alert-rules/*.yaml</c> into their tenants (the default tenant when a file names none); invalid files are logged and skipped.</summary>
    public static async Task SeedYamlRulesAsync(IServiceProvider services, string defaultTenant, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<AlertingOptions>>().Value;
        var store = services.GetRequiredService<EfAlertStore>();
        var logger = services.GetRequiredService<ILogger<AlertingOptions>>();
        foreach (var file in AlertRuleYamlLoader.LoadFolder(Path.GetFullPath(options.RulesPath)))
        {
            var problems = file.Rule is null ? new Dictionary<string, string[]> { ["file"] = [file.Error ?? "unreadable"] } : AlertRuleValidator.Validate(file.Rule);
            if (problems.Count > 0)
            {
                LogYamlRuleInvalid(logger, file.Path, string.Join(" ", problems.SelectMany(p => p.Value.Select(v => $"{p.Key}: {v}"))));
                continue;
            }

            var tenant = file.Tenant ?? defaultTenant;
            var existing = await store.GetRuleAsync(tenant, file.Rule!.Name, cancellationToken);
            await store.SaveRuleAsync(tenant, existing?.Id, file.Rule, options.MaxRulesPerTenant, cancellationToken);
            LogYamlRuleLoaded(logger, file.Rule.Name, file.Path);
        }
    }

    /// <summary>
    /// In demo mode, rules that the demo's scheduled faults trip (slow SQL over 8 s, a burst of exceptions, a slow payment
    /// API, hundreds of SQL calls in one request), so that incident reports appear without any set-up. Only added when
    /// the tenant has no rule of that name.
    /// </summary>
    public static async Task SeedDemoRulesAsync(IServiceProvider services, string tenant, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<AlertingOptions>>().Value;
        var store = services.GetRequiredService<EfAlertStore>();
        AlertRule[] rules =
        [
            new() { Name = "SlowSQL", Kind = AlertRuleKind.SlowSql, Service = "order-service", ThresholdMs = 8000 },
            new() { Name = "Exceptions", Kind = AlertRuleKind.Exception, Service = "order-service", MinOccurrences = 3 },
            new() { Name = "SlowPaymentAPI", Kind = AlertRuleKind.ExternalDelay, Service = "order-service", ThresholdMs = 3000 },
            new() { Name = "TooManySQL", Kind = AlertRuleKind.ExcessiveSql, Service = "order-service", Threshold = 100 },
        ];
        foreach (var rule in rules)
        {
            if (await store.GetRuleAsync(tenant, rule.Name, cancellationToken) is null)
            {
                await store.SaveRuleAsync(tenant, null, rule with { EvaluateEvery = TimeSpan.FromSeconds(30) }, options.MaxRulesPerTenant, cancellationToken);
            }
        }
    }

    /// <summary>Queues the reports the last run did not finish (see <see cref="UnfinishedReports"/>); before the evaluator starts.</summary>
    public static async Task RequeueUnfinishedReportsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var queued = await UnfinishedReports.RequeueAsync(
            services.GetRequiredService<EfAlertStore>(), services.GetRequiredService<IAlertReporter>(), services.GetRequiredService<TimeProvider>(), cancellationToken);
        if (queued > 0)
        {
            LogReportsRequeued(services.GetRequiredService<ILogger<AlertingOptions>>(), queued);
        }
    }

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "{Count} incident report(s) left unfinished when Argus last stopped are queued again")]
    private static partial void LogReportsRequeued(ILogger logger, int count);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Alert rule file {Path} skipped: {Problems}")]
    private static partial void LogYamlRuleInvalid(ILogger logger, string path, string problems);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Alert rule {Rule} loaded from {Path}")]
    private static partial void LogYamlRuleLoaded(ILogger logger, string rule, string path);
}
