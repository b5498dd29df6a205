using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// <see cref="IListWatchClient{TObject}"/> over KubernetesClient calls, given as delegates so that one class
/// serves typed core kinds and custom resources alike (see <see cref="KubernetesResources"/>).
/// </summary>
internal sealed class KubernetesListWatchClient<TObject, TList>(
    string resource,
    Func<int, string?, CancellationToken, Task<TList>> list,
    Func<string, int, CancellationToken, Task<HttpOperationResponse<TList>>> openWatch)
    : IListWatchClient<TObject>
    where TList : IItems<TObject>, IMetadata<V1ListMeta>
{
    public string Resource => resource;

    public async Task<ListPage<TObject>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        try
        {
            var result = await list(limit, continueToken, cancellationToken);
            return new ListPage<TObject>(
                result.Items?.ToArray() ?? [], result.Metadata?.ResourceVersion ?? "", result.Metadata?.ContinueProperty);
        }
        catch (HttpOperationException e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<IAsyncEnumerable<(WatchEventType Type, TObject Object)>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            // Completes with the response headers: the server has accepted the watch.
            var response = await openWatch(resourceVersion, (int)timeout.TotalSeconds, cancellationToken);
            return Events(response, cancellationToken);
        }
        catch (HttpOperationException e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    private async IAsyncEnumerable<(WatchEventType Type, TObject Object)> Events(
        HttpOperationResponse<TList> response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // KubernetesClient reports an ERROR event (e.g. 410 Expired) and undecodable lines through onError and
        // keeps reading; the server then closes the stream. Surface it before anything read after it.
        Exception? streamError = null;
        using var _ = response;
        // Obsolete in KubernetesClient 21 in favour of WatchListXAsync, which sends the request only on the first
        // MoveNextAsync and so cannot tell an open, quiet stream from one still connecting.
#pragma warning disable CS0618
        var events = Task.FromResult(response).WatchAsync<TObject, TList>(e => streamError ??= e, cancellationToken);
#pragma warning restore CS0618
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync();
            }
            catch (HttpOperationException e) when (Translate(e) is { } translated)
            {
                throw translated;
            }

            if (streamError is not null)
            {
                ExceptionDispatchInfo.Throw(Translate(streamError) ?? streamError);
            }

            if (!more)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }

    private Exception? Translate(Exception error) => error switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } e =>
            new ResourceExpiredException($"{resource}: {e.Status.Message}", e),
        KubernetesException { Status.Code: (int)HttpStatusCode.NotFound } e =>
            new ResourceNotServedException($"{resource}: {e.Status.Message}", e),
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } e =>
            new ResourceExpiredException($"{resource}: {e.Message}", e),
        HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound } e =>
            new ResourceNotServedException($"{resource}: {e.Message}", e),
        _ => null,
    };
}
