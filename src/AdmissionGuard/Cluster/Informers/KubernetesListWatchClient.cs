using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// <see cref="IListWatchClient{TObject}"/> over the API server's HTTP API for one collection path, sent through
/// KubernetesClient's connection (its TLS settings, credentials and request timeout) but decoded with
/// <see cref="ListWatchJson"/>: a page of pods becomes objects holding only what the caches project, and a watch is
/// read line by line as the API server writes it. One class serves core kinds and custom resources alike (see
/// <see cref="KubernetesResources"/>).
/// </summary>
/// <param name="resource">What the errors and logs call it, e.g. <c>pods</c>.</param>
/// <param name="path">The collection, relative to the API server's address, e.g. <c>api/v1/pods</c>.</param>
/// <param name="selector">A <c>labelSelector=...</c> or <c>fieldSelector=...</c> query parameter, already escaped.</param>
internal sealed class KubernetesListWatchClient<TObject, TList>(Kubernetes client, string resource, string path, string? selector = null)
    : IListWatchClient<TObject>
    where TObject : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<TObject>, IMetadata<V1ListMeta>
{
    // A page is decoded from one array: from the stream, the serializer would skip over each pod before the pod converter
    // reads it (to be sure the pod is buffered whole), and over a pipe's segments the reader is as slow: 2.5-2.6 ms
    // against 1.5 ms for a 500-pod page (ListDecodeBenchmarks). The array is kept from page to page of one list and
    // dropped after the last, so a synced cache holds none; a shared pool kept one per thread that had returned one:
    // 20-30 MB more RSS at 50,000 pods.
    private byte[]? _pageBuffer;

    public string Resource => resource;

    public async Task<ListPage<TObject>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        // As KubernetesClient does for every call but a watch: an API server that stops answering is an error.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.HttpClientTimeout);
        try
        {
            var query = $"limit={limit}" + (string.IsNullOrEmpty(continueToken) ? "" : $"&continue={Uri.EscapeDataString(continueToken)}");
            using var response = await SendAsync(query, timeout.Token);
            var (buffer, length) = await ReadWholeAsync(response.Content, Interlocked.Exchange(ref _pageBuffer, null) ?? new byte[64 * 1024], timeout.Token);
            var list = JsonSerializer.Deserialize<TList>(buffer.AsSpan(0, length), ListWatchJson.Options)
                ?? throw new InvalidDataException($"{resource}: the API server answered the list with null");
            var page = new ListPage<TObject>(list.Items?.ToArray() ?? [], list.Metadata?.ResourceVersion ?? "", list.Metadata?.ContinueProperty);
            if (!string.IsNullOrEmpty(page.Continue))
            {
                _pageBuffer = buffer;
            }

            return page;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource}: the API server did not answer the list within {client.HttpClientTimeout.TotalSeconds:0} s");
        }
    }

    public async Task<IAsyncEnumerable<(WatchEventType Type, TObject Object)>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Completes with the response headers: the server has accepted the watch.
        var response = await SendAsync(
            $"watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={(int)timeout.TotalSeconds}",
            cancellationToken);
        return Events(response, cancellationToken);
    }

    private async IAsyncEnumerable<(WatchEventType Type, TObject Object)> Events(
        HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = response;
        var body = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken));
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (!line.IsEmpty)
                    {
                        yield return Decode(line);
                    }
                }

                if (read.IsCompleted)
                {
                    // The API server ends every event with a newline: a rest is a cut stream, not an event.
                    yield break;
                }

                body.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await body.CompleteAsync();
        }
    }

    /// <summary>Reads the body to its end into <paramref name="buffer"/>, or a larger array when it does not fit.</summary>
    private async Task<(byte[] Buffer, int Length)> ReadWholeAsync(HttpContent content, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var body = await content.ReadAsStreamAsync(cancellationToken);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = (int)Math.Min(2L * buffer.Length, Array.MaxLength);
                if (larger == length)
                {
                    throw new InvalidDataException($"{resource}: the API server answered the list with a page over {Array.MaxLength:N0} bytes");
                }

                var grown = GC.AllocateUninitializedArray<byte>(larger);
                buffer.CopyTo(grown, 0);
                buffer = grown;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
        }
    }

    /// <summary>One line of a watch: <c>{"type": ..., "object": ...}</c>, where the object of an ERROR is a Status.</summary>
    private (WatchEventType Type, TObject Object) Decode(ReadOnlySequence<byte> line)
    {
        var json = new Utf8JsonReader(line);
        if (IsError(line))
        {
            // E.g. 410 Expired: the server ends the stream after it.
            var status = JsonSerializer.Deserialize<Watcher<V1Status>.WatchEvent>(ref json, ListWatchJson.Options)?.Object;
            throw Failure((HttpStatusCode)(status?.Code ?? 500), status?.Message ?? "an ERROR event without a Status");
        }

        var change = JsonSerializer.Deserialize<Watcher<TObject>.WatchEvent>(ref json, ListWatchJson.Options);
        return change?.Object is { } item
            ? (change.Type, item)
            : throw new InvalidDataException($"{resource}: a watch event without an object");
    }

    /// <summary>Reads the top-level <c>type</c> (the API server writes it first) without decoding the object.</summary>
    private static bool IsError(ReadOnlySequence<byte> line)
    {
        var json = new Utf8JsonReader(line);
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var isType = json.ValueTextEquals("type"u8);
            json.Read();
            if (isType)
            {
                return json.TokenType == JsonTokenType.String && json.ValueTextEquals("ERROR"u8);
            }

            json.Skip();
        }

        return false;
    }

    private async Task<HttpResponseMessage> SendAsync(string query, CancellationToken cancellationToken)
    {
        var separator = selector is null ? "" : "&";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, $"{path}?{selector}{separator}{query}"))
        {
            Version = client.HttpClient.DefaultRequestVersion,
            VersionPolicy = client.HttpClient.DefaultVersionPolicy,
        };
        request.Headers.Accept.ParseAdd("application/json");
        if (client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw Failure(response.StatusCode, StatusMessage(body) ?? response.ReasonPhrase ?? "no message");
        }
    }

    private Exception Failure(HttpStatusCode code, string message) => code switch
    {
        HttpStatusCode.Gone => new ResourceExpiredException($"{resource}: {message}"),
        HttpStatusCode.NotFound => new ResourceNotServedException($"{resource}: {message}"),
        _ => new HttpRequestException($"{resource}: {(int)code} {message}", null, code),
    };

    /// <summary>The message of the Status the API server answers errors with; null when the body is not one.</summary>
    private static string? StatusMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<V1Status>(body, ListWatchJson.Options)?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
