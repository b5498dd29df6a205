using AdmissionGuard.Cluster.Informers;

namespace AdmissionGuard.Tests.Cluster;

public sealed class FactsStoreTests
{
    private readonly FactsStore<string> _store = new();

    [Fact]
    public void Lists_in_the_order_keys_were_first_stored_and_a_replacement_keeps_its_place()
    {
        // Enough keys that hash order would differ from insertion order: the order is what keeps a pass over every pod
        // reading memory front to back.
        var names = Enumerable.Range(0, 200).Select(i => $"pod-{199 - i:D3}").ToArray();
        foreach (var name in names)
        {
            _store.Set(Key(name), name);
        }

        _store.Set(Key("pod-150"), "pod-150 again");

        _store.Values().Should().Equal(names.Select(name => name == "pod-150" ? "pod-150 again" : name));
        _store.Keys().Select(key => key.Name).Should().Equal(names);
        _store.Count.Should().Be(200);
    }

    [Fact]
    public void Set_and_remove_return_what_they_replaced_or_removed()
    {
        _store.Set(Key("a"), "first").Should().BeNull();
        _store.Set(Key("a"), "second").Should().Be("first");
        _store.Get(Key("a")).Should().Be("second");
        _store.Get(new ObjectKey("other", "a")).Should().BeNull();

        _store.Remove(Key("a")).Should().Be("second");
        _store.Remove(Key("a")).Should().BeNull();
        _store.Get(Key("a")).Should().BeNull();
        _store.Count.Should().Be(0);
    }

    [Fact]
    public void What_values_returned_does_not_change_with_later_writes()
    {
        _store.Set(Key("a"), "a");
        _store.Set(Key("b"), "b");

        var values = _store.Values();
        _store.Remove(Key("a"));
        _store.Set(Key("c"), "c");
        _store.Set(Key("b"), "b2");

        values.Should().Equal("a", "b");
        _store.Values().Should().BeEquivalentTo("b2", "c");
    }

    private static ObjectKey Key(string name) => new("default", name);
}
