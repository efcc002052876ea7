using Argus.Server;
using Microsoft.Extensions.Options;

WebApplication app;
StartupInfo startup;
try
{
    // Building already reads the receiver limits (gRPC message sizes), so a bad limit fails here.
    app = ArgusServer.Build(args);
}
catch (OptionsValidationException ex)
{
    return await ConfigurationProblemsAsync(ex);
}

// Disposed at the end so the stores close cleanly (the telemetry store checkpoints its write-ahead log).
await using (app)
{
    try
    {
        startup = await ArgusServer.InitializeAsync(app);

        // Options checked at start (ValidateOnStart: providers and the like) fail here, listed the same way.
        await app.StartAsync();
    }
    catch (OptionsValidationException ex)
    {
        return await ConfigurationProblemsAsync(ex);
    }

    Console.WriteLine(ArgusBanner.Render(app, startup));
    await app.WaitForShutdownAsync();
}

return 0;

static async Task<int> ConfigurationProblemsAsync(OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Argus cannot start, the configuration has problems:");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + failure);
    }

    return 2;
}
