// Tests here are plain in-process tests; the ones that talk to local servers (SMTP, webhooks) use free ports.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 2)]
