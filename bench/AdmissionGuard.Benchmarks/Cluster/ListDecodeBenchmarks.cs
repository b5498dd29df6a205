using System.Buffers;
using System.Text.Json;
using AdmissionGuard.Cluster.Informers;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>
/// Why the guard reads a list page into one array before decoding it (<c>KubernetesListWatchClient</c>): one 500-pod
/// page of <see cref="SyntheticPods"/> decoded from a stream, as <c>JsonSerializer.DeserializeAsync</c> does it (it skips
/// over each pod to make sure the pod converter gets it buffered whole, then the converter reads it again), from one
/// array, as the guard does, and from the 64 KiB segments a pipe would hold it in; and what tokenizing it alone costs.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ListDecodeBenchmarks
{
    private byte[] _page = [];
    private ReadOnlySequence<byte> _segments;

    [GlobalSetup]
    public void Setup()
    {
        var list = new V1PodList { Items = [.. Enumerable.Range(0, 500).Select(SyntheticPods.Pod)], Metadata = new V1ListMeta() };
        _page = System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(list));
        _segments = Segment.Split(_page, 64 * 1024);
        Console.WriteLine($"// one page: 500 pods, {_page.Length:N0} bytes");
    }

    [Benchmark(Baseline = true, Description = "500-pod page, streamed")]
    public async Task<int> Streamed()
    {
        using var stream = new MemoryStream(_page, writable: false);
        var list = await JsonSerializer.DeserializeAsync<DecodedPodList>(stream, ListWatchJson.Options);
        return list!.Items.Count;
    }

    [Benchmark(Description = "500-pod page, one array (as the guard reads it)")]
    public int OneArray() => JsonSerializer.Deserialize<DecodedPodList>(_page, ListWatchJson.Options)!.Items.Count;

    [Benchmark(Description = "500-pod page, whole in 64 KiB segments")]
    public int WholeSegments()
    {
        var reader = new Utf8JsonReader(_segments);
        return JsonSerializer.Deserialize<DecodedPodList>(ref reader, ListWatchJson.Options)!.Items.Count;
    }

    [Benchmark(Description = "500-pod page, tokenized only")]
    public long TokenizedOnly()
    {
        var reader = new Utf8JsonReader(_page);
        reader.Read();
        reader.Skip();
        return reader.BytesConsumed;
    }
}

/// <summary>An array cut into the segments a pipe would hold it in.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    private Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] buffer, int size)
    {
        var first = new Segment(buffer.AsMemory(0, Math.Min(size, buffer.Length)), 0);
        var last = first;
        for (var start = size; start < buffer.Length; start += size)
        {
            var next = new Segment(buffer.AsMemory(start, Math.Min(size, buffer.Length - start)), start);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
