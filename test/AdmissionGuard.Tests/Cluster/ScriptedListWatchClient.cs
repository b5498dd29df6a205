using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AdmissionGuard.Cluster.Informers;
using k8s;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>
/// A transport the test drives: each list call takes the next scripted answer (waiting for one if none is queued),
/// each watch call shows up in <see cref="NextWatchAsync"/> for the test to feed, end or fail.
/// </summary>
internal sealed class ScriptedListWatchClient<T>(string resource = "things") : IListWatchClient<T>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Channel<Func<ListPage<T>>> _listAnswers = Channel.CreateUnbounded<Func<ListPage<T>>>();
    private readonly Channel<string?> _listCalls = Channel.CreateUnbounded<string?>();
    private readonly Channel<ScriptedWatch<T>> _watches = Channel.CreateUnbounded<ScriptedWatch<T>>();

    public string Resource => resource;

    public void ListReturns(string resourceVersion, IEnumerable<T> items, string? continueToken = null) =>
        _listAnswers.Writer.TryWrite(() => new ListPage<T>([.. items], resourceVersion, continueToken));

    public void ListThrows(Exception error) => _listAnswers.Writer.TryWrite(() => throw error);

    /// <summary>The continue token of the next list call (null for a first page).</summary>
    public async Task<string?> NextListCallAsync() => await _listCalls.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<ScriptedWatch<T>> NextWatchAsync() => await _watches.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public bool HasPendingWatch => _watches.Reader.TryPeek(out _);

    public async Task<ListPage<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        _listCalls.Writer.TryWrite(continueToken);
        var answer = await _listAnswers.Reader.ReadAsync(cancellationToken);
        return answer();
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = new ScriptedWatch<T>(resourceVersion, timeout);
        _watches.Writer.TryWrite(watch);
        await foreach (var step in watch.Steps.ReadAllAsync(cancellationToken))
        {
            if (step.Error is not null)
            {
                throw step.Error;
            }

            yield return (step.Type, step.Object!);
        }
    }
}

internal sealed class ScriptedWatch<T>(string resourceVersion, TimeSpan timeout)
{
    private readonly Channel<(WatchEventType Type, T? Object, Exception? Error)> _steps =
        Channel.CreateUnbounded<(WatchEventType, T?, Exception?)>();

    public string ResourceVersion => resourceVersion;

    public TimeSpan Timeout => timeout;

    internal ChannelReader<(WatchEventType Type, T? Object, Exception? Error)> Steps => _steps.Reader;

    public ScriptedWatch<T> Send(WatchEventType type, T item)
    {
        _steps.Writer.TryWrite((type, item, null));
        return this;
    }

    /// <summary>The server closes the stream.</summary>
    public void End() => _steps.Writer.TryComplete();

    public void Fail(Exception error)
    {
        _steps.Writer.TryWrite((default, default, error));
        _steps.Writer.TryComplete();
    }
}
