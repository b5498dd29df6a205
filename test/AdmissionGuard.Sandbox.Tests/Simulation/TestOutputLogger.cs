using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>Sends the simulation's logs to the test's output, so a failed test shows what the controllers did.</summary>
internal sealed class TestOutputLogger(string category) : ILogger
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b => b.AddProvider(new Provider()).SetMinimumLevel(LogLevel.Debug));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
        try
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished; a late controller pass has nowhere to write.
        }
    }

    private sealed class Provider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestOutputLogger(categoryName[(categoryName.LastIndexOf('.') + 1)..]);

        public void Dispose()
        {
        }
    }
}
