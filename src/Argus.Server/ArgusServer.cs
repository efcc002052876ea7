using Argus.Core.Issues;
using Argus.Core.Telemetry;
using Argus.Otlp;
using Argus.Server.Ai;
using Argus.Server.Alerting;
using Argus.Server.Api;
using Argus.Server.ChangeTracking;
using Argus.Server.Configuration;
using Argus.Server.Hosting;
using Argus.Server.Ingest;
using Argus.Server.Issues;
using Argus.Server.Outbound;
using Argus.Server.Listeners;
using Argus.Server.Notifications;
using Argus.Server.Tenancy;
using Argus.Storage.DuckDb;
using Argus.Web;
using Argus.Web.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Argus.Server;

/// <summary>
/// The composition root: builds the web application with every feature wired. Program.cs and the integration
/// tests both start the server through here, so tests run exactly what users run.
/// </summary>
public static class ArgusServer
{
    /// <summary>Builds the application from command-line arguments (ASP.NET Core configuration conventions).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var demo = args.Contains("--demo", StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. args.Where(a => a != "--demo")],
            ContentRootPath = AppContext.BaseDirectory,

            // Named, not taken from the entry assembly (testhost under the tests): the console's static web assets are
            // found through Argus.Server.staticwebassets.*.json.
            ApplicationName = typeof(ArgusServer).Assembly.GetName().Name,
        });

        // From a build output, the static web assets (Blazor's script, FluentUI's files, the console's stylesheet) are
        // read where the build left them, listed in the runtime manifest; a published Argus has them in wwwroot and no
        // such manifest, and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        if (demo)
        {
            builder.Configuration["Argus:Demo"] = "true";
        }

        // Start-up failures (a port in use, bad configuration) are told in one line each by Program.cs; the host's own
        // "Hosting failed to start" would repeat them with a stack trace.
        // The rule names the host's category: a rule without a category would be the most specific for every category that
        // Logging:LogLevel does not name and, having no level, let Trace and Debug through for all of them (Argus.*
        // included), burying the banner under debug lines.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && !(StartupProblems.Starting && level >= LogLevel.Error));

        // gRPC logs every refused call (RpcException) at Information with its stack trace; the OTLP receiver logs its own
        // one-line refusals instead.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);

        var listeners = new ListenerRegistry();
        builder.Services.AddSingleton(listeners);
        builder.AddArgusListeners(listeners);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ArgusOptions>()
            .Bind(builder.Configuration.GetSection(ArgusOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ArgusOptions>, ValidateArgusOptions>();
        builder.Services.AddSingleton<Argus.Core.Links.IConsoleLinks, ServerConsoleLinks>();

        // Chart links in change reports are absolute on Argus:PublicUrl unless Argus:ChangeTracking:PublicUrl says otherwise.
        builder.Services.AddOptions<Argus.Operations.ChangeTracking.ChangeTrackingOptions>()
            .PostConfigure<IConfiguration>((tracking, configuration) => tracking.PublicUrl ??= configuration[$"{ArgusOptions.SectionName}:{nameof(ArgusOptions.PublicUrl)}"]);

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ArgusJsonContext.Default);

            // The default encoder writes '+' as \u002B, so every time ("+00:00") read raw (curl, logs) looked mangled. The
            // API answers application/json only, never HTML, so the HTML-sensitive characters need no escaping; quotes,
            // backslashes and control characters are still escaped.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.AddProblemDetails();

        AddControlPlane(builder.Services);
        AddTelemetryStore(builder.Services);
        AddIngest(builder.Services);

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthorizationAnswers>();
        AddConsole(builder);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ArgusPolicies.Authenticated, p => p.RequireAuthenticatedUser())
            .AddPolicy(ArgusPolicies.Ingest, p => p.RequireRole(ApiKeys.RoleAdmin, ApiKeys.RoleIngest))
            .AddPolicy(ArgusPolicies.Read, p => p.RequireRole(ApiKeys.RoleAdmin, ApiKeys.RoleRead))
            .AddPolicy(ArgusPolicies.Admin, p => p.RequireRole(ApiKeys.RoleAdmin));

        builder.Services.AddArgusOtlp(builder.Configuration);
        builder.Services.AddArgusOutbound(builder.Configuration);
        builder.Services.AddArgusAi(builder.Configuration);
        builder.Services.AddArgusAlerting(builder.Configuration);
        builder.Services.AddArgusChannels(builder.Configuration);
        builder.Services.AddArgusChangeTracking(builder.Configuration);
        builder.Services.AddSingleton<DemoRun>();
        builder.Services.AddHostedService<DemoHostedService>();

        // Last, so that callers (tests, embedders) can replace any registration above.
        configure?.Invoke(builder);
        builder.Services.DeferHostedServices();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseListenerRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestBodyLimits();
        app.UseAntiforgery();

        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("ready", typeof(ArgusServer).Assembly.GetName().Version?.ToString() ?? "0")))
            .OnListener(ListenerKind.Api)
            .AllowAnonymous();
        var api = app.MapGroup("/api").OnListener(ListenerKind.Api).AddEndpointFilterFactory(StrictQuery.Create);
        api.MapTelemetryApi();
        api.MapAdminApi();
        api.MapRolesApi();
        api.MapMaskingApi();
        app.MapOpenAiCompatibleApi();
        api.MapIssuesApi();
        api.MapAlerting();
        api.MapChannelsApi();
        api.MapDeploymentsApi();
        app.MapArgusConsole().OnListener(ListenerKind.Api);
        app.MapOtlpGrpc().OnListener(ListenerKind.OtlpGrpc).RequireAuthorization(ArgusPolicies.Ingest);
        app.MapOtlpHttp().OnListener(ListenerKind.OtlpHttp).RequireAuthorization(ArgusPolicies.Ingest);
        return app;
    }

    /// <summary>Prepares the stores (schema, default tenant) before the server accepts connections.</summary>
    public static async Task<StartupInfo> InitializeAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        // Every section's problems at once, before anything reads one of them (the host would stop at the first).
        app.Services.GetService<IStartupValidator>()?.Validate();
        var options = app.Services.GetRequiredService<IOptions<ArgusOptions>>().Value;
        DataFolder.Ensure(options.DataPath);
        app.Services.GetRequiredService<IssueStateService>().Load();
        var tenants = app.Services.GetRequiredService<TenantBootstrap>();
        var bootstrap = await tenants.RunAsync(cancellationToken);
        await app.Services.GetRequiredService<ChannelStore>().SealPlainRowsAsync(cancellationToken);

        await AlertingServerExtensions.SeedYamlRulesAsync(app.Services, bootstrap.TenantId, cancellationToken);
        if (options.Demo)
        {
            await AlertingServerExtensions.SeedDemoRulesAsync(app.Services, bootstrap.TenantId, cancellationToken);
        }

        await AlertingServerExtensions.RequeueUnfinishedReportsAsync(app.Services, cancellationToken);

        // In demo mode there is always a key to print: a read key, replaced at every start.
        var demoKey = options.Demo && bootstrap.NewAdminKey is null
            ? await tenants.ReplaceNamedKeyAsync("demo-console", ApiKeys.RoleRead, cancellationToken)
            : null;
        // The banner's one-time console link signs in as the key it shows (the generated admin key, or the demo's read key).
        var shown = bootstrap.KeyWasGenerated ? bootstrap.NewAdminKey : demoKey;
        string? signInLink = null;
        if (shown is not null
            && (await app.Services.GetRequiredService<IConsoleKeyCheck>().CheckAsync(shown, cancellationToken)).Claims is { } claims)
        {
            signInLink = ConsoleExtensions.SignInLink(app.Services.GetRequiredService<ConsoleSignInLinks>().Issue(claims));
        }

        return new StartupInfo(bootstrap.NewAdminKey, bootstrap.KeyWasGenerated, demoKey, signInLink);
    }

    /// <summary>The URL of a listener after start-up: <c>Api</c>, <c>OtlpGrpc</c> or <c>OtlpHttp</c>.</summary>
    public static Uri? GetListenerUrl(this WebApplication app, string listener) =>
        Enum.TryParse<ListenerKind>(listener, out var kind) ? app.Services.GetRequiredService<ListenerRegistry>().GetUrl(kind) : null;

    private static void AddControlPlane(IServiceCollection services)
    {
        services.AddDbContextFactory<ControlPlaneDbContext>((sp, db) =>
        {
            var options = sp.GetRequiredService<IOptions<ArgusOptions>>().Value;
            db.UseSqlite($"Data Source={Path.Combine(Path.GetFullPath(options.DataPath), "control.db")}");
        });
        services.AddSingleton<ApiKeyResolver>();
        services.AddSingleton<TenantBootstrap>();
    }

    private static void AddConsole(WebApplicationBuilder builder)
    {
        builder.Services.AddArgusConsole();
        builder.Services.AddSingleton<IConsoleKeyCheck, ConsoleKeyCheck>();
        builder.Services.AddSingleton<IConsoleEndpoints, ConsoleEndpoints>();

        // The session cookie and the anti-forgery tokens are protected by the same Data Protection key ring as the stored
        // secrets (AddArgusSecretProtection: {DataPath}/keys, application name "argus"), so sessions survive a restart.
        // A second ring would replace the first for everything, and the secrets stored under it could not be read.
        // The ring sits beside the telemetry and control databases, protected as those are by the folder's permissions,
        // so data protection's warning at every start that the keys are not encrypted at rest is left out.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
    }

    private static void AddTelemetryStore(IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ArgusOptions>>().Value;
            DataFolder.Ensure(options.DataPath);
            return DuckDbTelemetryStore.Open(
                new DuckDbStoreOptions
                {
                    DatabasePath = Path.Combine(Path.GetFullPath(options.DataPath), "telemetry.duckdb"),
                    MemoryLimitMegabytes = options.Storage.MemoryLimitMegabytes,
                    Threads = options.Storage.Threads,
                    MaxConcurrentWrites = options.Ingest.Writers,
                },
                sp.GetRequiredService<ILogger<DuckDbTelemetryStore>>());
        });
        services.AddSingleton<ITelemetryWriter>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<ITelemetryReader>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<IMetricSeriesReader>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<IServiceCallReader>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<ITelemetryRetention>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
        services.AddSingleton<IIssueCountReader>(sp => sp.GetRequiredService<DuckDbTelemetryStore>());
    }

    private static void AddIngest(IServiceCollection services)
    {
        services.AddSingleton<TelemetryIngestQueue>();
        services.AddSingleton<IssueRegistry>();
        services.AddSingleton<IIssueBoard, IssueBoard>();
        services.AddSingleton<IssueJournal>();
        services.AddSingleton<IssueStateService>();
        services.AddHostedService(sp => sp.GetRequiredService<IssueStateService>());

        // Receivers hand batches to the issue tagger, which journals new issues and hands the batch on to the bounded
        // queue; both answer only once what they keep is on disk.
        services.AddSingleton<ITelemetrySink>(sp => new IssueTaggingSink(
            sp.GetRequiredService<TelemetryIngestQueue>(), sp.GetRequiredService<IssueRegistry>(), sp.GetRequiredService<IssueJournal>()));
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryIngestQueue>());
        services.AddSingleton<RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
    }
}

/// <summary>What start-up wants to tell the operator once.</summary>
/// <param name="SignInLink">The one-time console sign-in link (relative to the API's URL) for the key the banner shows, if it shows one.</param>
public sealed record StartupInfo(string? NewAdminKey, bool KeyWasGenerated, string? DemoReadKey = null, string? SignInLink = null);
