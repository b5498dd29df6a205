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
    private readonly Channel<Exception> _watchOpenFailures = Channel.CreateUnbounded<Exception>();

    public string Resource => resource;

    public void ListReturns(string resourceVersion, IEnumerable<T> items, string? continueToken = null) =>
        _listAnswers.Writer.TryWrite(() => new ListPage<T>([.. items], resourceVersion, continueToken));

    public void ListThrows(Exception error) => _listAnswers.Writer.TryWrite(() => throw error);

    /// <summary>The next watch call fails before the stream opens, as when the API server answers it with an error.</summary>
    public void WatchOpenThrows(Exception error) => _watchOpenFailures.Writer.TryWrite(error);

    /// <summary>The continue token of the next list call (null for a first page).</summary>
    public async Task<string?> NextListCallAsync() => await _listCalls.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<ScriptedWatch<T>> NextWatchAsync() => await _watches.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public bool HasPendingWatch => _watches.Reader.TryPeek(out _);

    public bool HasPendingListCall => _listCalls.Reader.TryPeek(out _);

    public async Task<ListPage<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        _listCalls.Writer.TryWrite(continueToken);
        var answer = await _listAnswers.Reader.ReadAsync(cancellationToken);
        return answer();
    }

    /// <summary>The watch opens at once unless a failure is queued; the test then feeds, ends or fails it.</summary>
    public Task<IAsyncEnumerable<(WatchEventType Type, T Object)>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_watchOpenFailures.Reader.TryRead(out var failure))
        {
            return Task.FromException<IAsyncEnumerable<(WatchEventType, T)>>(failure);
        }

        var watch = new ScriptedWatch<T>(resourceVersion, timeout);
        _watches.Writer.TryWrite(watch);
        return Task.FromResult(Events(watch, cancellationToken));
    }

    private static async IAsyncEnumerable<(WatchEventType Type, T Object)> Events(
        ScriptedWatch<T> watch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
