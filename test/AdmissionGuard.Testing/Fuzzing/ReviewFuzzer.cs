using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AdmissionGuard.Benchmarks.Fuzzing;

/// <summary>
/// Mutates AdmissionReviews (type swaps, deletions, huge and deep values, nulls in every list, control characters,
/// invalid UTF-8, duplicate keys, truncated and chunked bodies, wrong content types) and posts them to a webhook over
/// HTTPS. Anything but 200, 400 or 413 is a finding; so is a request that gets no answer in time. Seeded: one seed,
/// one sequence of inputs.
/// </summary>
internal sealed class ReviewFuzzer(IReadOnlyList<string> seeds, int seed)
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] Paths = ["/mutate-pods", "/validate-pods"];
    private static readonly string?[] ContentTypes = ["application/json", "application/json", "application/json", null, "text/plain", "application/yaml", "application/json; charset=latin1"];

    // Deep values are the point: write them deeper than the default limit of 64 the guard's reader enforces.
    private static readonly System.Text.Json.JsonSerializerOptions Deeply = new() { MaxDepth = 1024 };

    private readonly Random _random = new(seed);
    private readonly JsonNode[] _seeds = [.. seeds.Select(s => JsonNode.Parse(s)!)];

    /// <summary>
    /// Posts <paramref name="count"/> mutated reviews with <paramref name="client"/>; returns the counts. Once
    /// <paramref name="stop"/> is cancelled it lets the request in flight finish and returns the counts of the inputs
    /// that ran, so an interrupted run still ends with its verdict.
    /// </summary>
    public async Task<FuzzResult> RunAsync(HttpClient client, int count, TextWriter? progress = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        int serverErrors = 0, timeouts = 0, crashes = 0;
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var i = 0;
        for (; i < count && !stop.IsCancellationRequested; i++)
        {
            var (body, contentType, chunked, what) = Next();
            using var timeout = new CancellationTokenSource(RequestTimeout);
            using HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
            var path = Paths[_random.Next(Paths.Length)];
            try
            {
                using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, timeout.Token);
                await response.Content.ReadAsByteArrayAsync(timeout.Token);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500)
                {
                    serverErrors++;
                    progress?.WriteLine($"5xx: {status} for input {i} ({what}) to {path}");
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                timeouts++;
                progress?.WriteLine($"timeout: input {i} ({what}) to {path}");
            }
            catch (HttpRequestException e)
            {
                // The connection dropped without an answer: the server hung up on a whole, well-framed request.
                crashes++;
                progress?.WriteLine($"no answer: input {i} ({what}) to {path}: {e.Message}");
            }

            if (progress is not null && (i + 1) % 10_000 == 0)
            {
                progress.WriteLine($"  {i + 1} inputs, {clock.Elapsed.TotalSeconds:F0} s");
            }
        }

        return new FuzzResult(i, serverErrors, timeouts, crashes, statuses);
    }

    /// <summary>The next input: a body, its content type, whether it is sent chunked, and what was done to it.</summary>
    public (byte[] Body, string? ContentType, bool Chunked, string What) Next()
    {
        var review = _seeds[_random.Next(_seeds.Length)].DeepClone();
        var what = Mutate(review);
        var body = Encoding.UTF8.GetBytes(review.ToJsonString(Deeply));
        switch (_random.Next(10))
        {
            case 0:
                body = body[.._random.Next(body.Length)];
                what += ", truncated";
                break;
            case 1:
                body = InvalidUtf8(body);
                what += ", invalid UTF-8";
                break;
            case 2:
                body = DuplicateKey(body);
                what += ", duplicate key";
                break;
        }

        return (body, ContentTypes[_random.Next(ContentTypes.Length)], _random.Next(4) == 0, what);
    }

    private string Mutate(JsonNode review)
    {
        var nodes = Walk(review, "").ToList();
        var mutations = 1 + _random.Next(3);
        var what = new List<string>();
        for (var m = 0; m < mutations; m++)
        {
            var (node, path) = nodes[_random.Next(nodes.Count)];
            if (node.Parent is null)
            {
                continue;
            }

            var kind = _random.Next(7);
            what.Add($"{path}: {kind switch { 0 => "type swap", 1 => "deleted", 2 => "huge", 3 => "deep", 4 => "null", 5 => "nulls in lists", _ => "control characters" }}");
            switch (kind)
            {
                case 0:
                    Replace(node, RandomValue());
                    break;
                case 1:
                    Delete(node);
                    break;
                case 2:
                    Replace(node, _random.Next(2) == 0 ? new string('x', 200_000) : new JsonArray([.. Enumerable.Range(0, 20_000).Select(i => (JsonNode)i)]));
                    break;
                case 3:
                    Replace(node, Deep(_random.Next(10, 200)));
                    break;
                case 4:
                    Replace(node, null);
                    break;
                case 5:
                    foreach (var array in nodes.Select(n => n.Node).OfType<JsonArray>())
                    {
                        array.Insert(_random.Next(array.Count + 1), null);
                    }

                    break;
                default:
                    Replace(node, string.Concat(Enumerable.Range(0, 8).Select(_ => (char)_random.Next(0, 32))) + "\u2028\uFFFF\u0000");
                    break;
            }

            nodes = [.. Walk(review, "")];
        }

        return string.Join("; ", what);
    }

    private JsonNode? RandomValue() => _random.Next(6) switch
    {
        0 => JsonValue.Create(_random.Next() - int.MaxValue / 2),
        1 => JsonValue.Create(_random.NextDouble() * 1e300),
        2 => JsonValue.Create(_random.Next(2) == 0),
        3 => new JsonArray(1, "a", null),
        4 => new JsonObject { ["x"] = 1 },
        _ => JsonValue.Create("swapped"),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["d"] = node };
        }

        return node;
    }

    private byte[] InvalidUtf8(byte[] body)
    {
        var at = _random.Next(body.Length);
        byte[][] bad = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]];
        return [.. body[..at], .. bad[_random.Next(bad.Length)], .. body[at..]];
    }

    private byte[] DuplicateKey(byte[] body)
    {
        string[] keys = ["\"uid\":\"dup\",", "\"kind\":5,", "\"request\":null,", "\"apiVersion\":\"admission.k8s.io/v1\","];
        var insert = Encoding.UTF8.GetBytes(keys[_random.Next(keys.Length)]);
        var at = Array.IndexOf(body, (byte)'{', _random.Next(Math.Max(1, body.Length / 2)));
        return at < 0 ? body : [.. body[..(at + 1)], .. insert, .. body[(at + 1)..]];
    }

    private static void Replace(JsonNode node, JsonNode? value)
    {
        switch (node.Parent)
        {
            case JsonObject parent:
                parent[node.GetPropertyName()] = value;
                break;
            case JsonArray parent:
                parent[node.GetElementIndex()] = value;
                break;
        }
    }

    private static void Delete(JsonNode node)
    {
        switch (node.Parent)
        {
            case JsonObject parent:
                parent.Remove(node.GetPropertyName());
                break;
            case JsonArray parent:
                parent.RemoveAt(node.GetElementIndex());
                break;
        }
    }

    private static IEnumerable<(JsonNode Node, string Path)> Walk(JsonNode? node, string path)
    {
        if (node is null)
        {
            yield break;
        }

        yield return (node, path.Length == 0 ? "$" : path);
        IEnumerable<(JsonNode?, string)> children = node switch
        {
            JsonObject obj => obj.Select(p => (p.Value, $"{path}.{p.Key}")),
            JsonArray array => array.Select((item, i) => (item, $"{path}[{i}]")),
            _ => [],
        };
        foreach (var (child, childPath) in children.ToList())
        {
            foreach (var descendant in Walk(child, childPath))
            {
                yield return descendant;
            }
        }
    }
}

/// <summary>What a fuzz run found; <see cref="ToString"/> is the line <c>make fuzz</c> ends with.</summary>
internal sealed record FuzzResult(int Inputs, int ServerErrors, int Timeouts, int Crashes, IReadOnlyDictionary<int, int> Statuses)
{
    public override string ToString() => $"fuzz: inputs={Inputs} 5xx={ServerErrors} timeouts={Timeouts} crashes={Crashes}";

    public string StatusCounts => string.Join(" ", Statuses.OrderBy(s => s.Key).Select(s => $"{(HttpStatusCode)s.Key}={s.Value}"));
}
