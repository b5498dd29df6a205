using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>Keeps the guards' reconciler log records (structured fields included) for the scenarios to read.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    /// <summary><c>ReconcilerLog.CycleDone</c>: one record per reconcile cycle, with its restart count.</summary>
    public const int CycleDone = 5022;

    /// <summary><c>ReconcilerLog.HistoryAdopted</c>: a new leadership term read the recorded restarts.</summary>
    public const int HistoryAdopted = 5014;

    private const string CategoryPrefix = "AdmissionGuard.Reconciler";

    private readonly ConcurrentQueue<(int EventId, IReadOnlyDictionary<string, object?> Fields)> _records = new();

    /// <summary>The <c>{Restarts}</c> of every reconcile cycle so far, in order.</summary>
    public IReadOnlyList<int> RestartsPerCycle =>
        [.. _records.Where(r => r.EventId == CycleDone).Select(r => Convert.ToInt32(r.Fields["Restarts"], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The <c>{Recorded}</c> restarts each new leadership term read back, in order.</summary>
    public IReadOnlyList<int> AdoptedRestarts =>
        [.. _records.Where(r => r.EventId == HistoryAdopted).Select(r => Convert.ToInt32(r.Fields["Recorded"], System.Globalization.CultureInfo.InvariantCulture))];

    public void Configure(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        logging.AddFilter<CapturedLog>((category, _) => category?.StartsWith(CategoryPrefix, StringComparison.Ordinal) == true);
        logging.SetMinimumLevel(LogLevel.Debug);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                log._records.Enqueue((eventId.Id, fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal)));
            }
        }
    }
}
