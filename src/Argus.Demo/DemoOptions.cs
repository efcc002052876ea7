namespace Argus.Demo;

/// <summary>Where the demo sends its telemetry and how busy it is.</summary>
public sealed record DemoOptions
{
    /// <summary>The OTLP/HTTP base URL, e.g. <c>http://127.0.0.1:4318</c>; <c>/v1/traces</c> etc. are appended.</summary>
    public required Uri OtlpHttpEndpoint { get; init; }

    /// <summary>The API key sent as <c>x-argus-api-key</c>.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Transactions per second at the daily mean. Default 10.</summary>
    public double RequestsPerSecond { get; init; } = 10;

    /// <summary>Length of one fault cycle: slow SQL, exception burst, slow payment API, SQL storm. Default 10 minutes.</summary>
    public TimeSpan FaultCycle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the OpenTelemetry exporters send. Default 2 seconds.</summary>
    public TimeSpan ExportInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The deployments whose releases change order-service's behaviour (the bad one fails and slows order placements
    /// until its rollback); null for none. Recording them in Argus is <see cref="DemoDeploymentRecorder"/>'s job.
    /// </summary>
    public DemoDeploymentPlan? Deployments { get; init; }

    /// <summary>Seed for the random choices, for repeatable runs; null for a random seed.</summary>
    public int? Seed { get; init; }
}
