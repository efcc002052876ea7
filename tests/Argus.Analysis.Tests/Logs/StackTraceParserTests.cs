using Argus.Analysis.Logs;

namespace Argus.Analysis.Tests.Logs;

public sealed class StackTraceParserTests
{
    [Fact]
    public void Java_frames_keep_file_and_line_and_framework_frames_are_not_in_app()
    {
        var parsed = StackTraceParser.Parse("""
            Exception in thread "main" java.lang.RuntimeException: wrapped
            	at com.shop.Job.run(Job.java:12)
            	at java.base/java.lang.Thread.run(Thread.java:833)
            	at jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
            	at com.shop.Proxy.call(Unknown Source)
            Caused by: java.io.IOException: disk full
            	at com.shop.Store.write(Store.java:99)
            """);

        Assert.Equal(["java.lang.RuntimeException", "java.io.IOException"], parsed.ExceptionTypes);
        Assert.Equal(5, parsed.Frames.Count);
        Assert.Equal(
            [new SourceFrame("com.shop.Job.run", "Job.java", 12), new SourceFrame("com.shop.Proxy.call", null, null), new SourceFrame("com.shop.Store.write", "Store.java", 99)],
            parsed.InAppFrames);
        Assert.Equal("com.shop.Job.run(Job.java:12)", parsed.InAppFrames[0].ToString());
    }

    [Fact]
    public void DotNet_frames_keep_the_file_name_without_directories()
    {
        var parsed = StackTraceParser.Parse("""
            System.AggregateException: One or more errors occurred.
             ---> System.TimeoutException: slow
               at Shop.Sync.Pull() in C:\src\Shop\Sync.cs:line 40
               at System.Threading.Tasks.Task.Wait()
            """);

        Assert.Equal(["System.AggregateException", "System.TimeoutException"], parsed.ExceptionTypes);
        Assert.Equal(new SourceFrame("Shop.Sync.Pull", "Sync.cs", 40), Assert.Single(parsed.InAppFrames));
    }

    [Fact]
    public void Frames_are_capped_and_blank_input_is_empty()
    {
        var deep = string.Join('\n', Enumerable.Range(0, 100).Select(i => $"   at App.Level{i}.Run() in /a/L.cs:line {i}"));

        Assert.Equal(10, StackTraceParser.Parse(deep, maxFrames: 10).InAppFrames.Count);
        Assert.Empty(StackTraceParser.Parse(null).Frames);
    }
}
