using Argus.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

WebApplication app;
StartupInfo startup;
try
{
    // Building already reads the receiver limits (gRPC message sizes), so a bad limit fails here.
    app = ArgusServer.Build(args);
}
catch (Exception ex) when (StartupProblems.ConfigurationFailures(ex) is { Count: > 0 } failures)
{
    return await StartupProblems.ConfigurationAsync(failures);
}

// Disposed at the end so the stores close cleanly (the telemetry store checkpoints its write-ahead log).
await using (app)
{
    try
    {
        startup = await ArgusServer.InitializeAsync(app);

        // Options checked at start (ValidateOnStart: providers and the like) fail here, listed the same way. Background
        // work starts only after every listener is bound, so a port in use stops Argus before anything has run.
        await app.StartAsync();
        StartupProblems.Starting = false;
    }
    catch (Exception ex) when (StartupProblems.ConfigurationFailures(ex) is { Count: > 0 } failures)
    {
        return await StartupProblems.ConfigurationAsync(failures);
    }
    catch (Exception ex) when (ex is AddressInUseException || ex.InnerException is AddressInUseException)
    {
        await Console.Error.WriteLineAsync(StartupProblems.PortInUse(app, ex));
        return 1;
    }

    Console.WriteLine(ArgusBanner.Render(app, startup));
    await app.WaitForShutdownAsync();
}

return 0;
