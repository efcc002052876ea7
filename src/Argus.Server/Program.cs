using Argus.Server;

// Disposed at the end so the stores close cleanly (the telemetry store checkpoints its write-ahead log).
await using var app = ArgusServer.Build(args);
StartupInfo startup;
try
{
    startup = await ArgusServer.InitializeAsync(app);
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Argus cannot start, the configuration has problems:");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + failure);
    }

    return 2;
}

await app.StartAsync();
Console.WriteLine(ArgusBanner.Render(app, startup));
await app.WaitForShutdownAsync();
return 0;
