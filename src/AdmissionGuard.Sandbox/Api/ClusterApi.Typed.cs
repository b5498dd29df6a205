using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>The typed facade over the untyped calls: KubernetesClient models in and out, for the simulation and tests.</summary>
public sealed partial class ClusterApi
{
    public async Task<T> CreateAsync<T>(T obj, RequestContext? context = null, CancellationToken cancellationToken = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var stored = await CreateAsync(ResourceTypes.For<T>(), obj.Metadata?.NamespaceProperty, ToJson(obj), context, cancellationToken);
        return stored.ToModel<T>();
    }

    /// <summary>The object, or null when it does not exist.</summary>
    public T? Get<T>(string? objectNamespace, string name)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        TryGet(ResourceTypes.For<T>(), objectNamespace, name)?.ToModel<T>();

    /// <summary>Every matching object, deserialized (at scale prefer the untyped list and deserialize what you need).</summary>
    public IReadOnlyList<T> List<T>(string? objectNamespace = null, ListOptions? options = null)
        where T : IKubernetesObject<V1ObjectMeta> =>
        [.. List(ResourceTypes.For<T>(), objectNamespace, options).Items.Select(o => o.ToModel<T>())];

    public async Task<T> UpdateAsync<T>(T obj, RequestContext? context = null, CancellationToken cancellationToken = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var stored = await UpdateAsync(ResourceTypes.For<T>(), obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "", ToJson(obj), null, context, cancellationToken);
        return stored.ToModel<T>();
    }

    public async Task<T> UpdateStatusAsync<T>(T obj, RequestContext? context = null, CancellationToken cancellationToken = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var stored = await UpdateAsync(ResourceTypes.For<T>(), obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "", ToJson(obj), "status", context, cancellationToken);
        return stored.ToModel<T>();
    }

    public async Task<T> PatchAsync<T>(string? objectNamespace, string name, PatchType patchType, string patch, string? subresource = null, RequestContext? context = null, CancellationToken cancellationToken = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var stored = await PatchAsync(ResourceTypes.For<T>(), objectNamespace, name, patchType, patch, subresource, context, cancellationToken);
        return stored.ToModel<T>();
    }

    public Task DeleteAsync<T>(string? objectNamespace, string name, V1Preconditions? preconditions = null, RequestContext? context = null, CancellationToken cancellationToken = default)
        where T : IKubernetesObject<V1ObjectMeta> =>
        DeleteAsync(ResourceTypes.For<T>(), objectNamespace, name, preconditions, context, cancellationToken);

    public Task BindAsync(V1Binding binding, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return BindAsync(binding.Metadata?.NamespaceProperty ?? "default", binding.Metadata?.Name ?? "", ToJson(binding), context, cancellationToken);
    }

    public Task EvictAsync(string objectNamespace, string podName, RequestContext? context = null, CancellationToken cancellationToken = default) =>
        EvictAsync(objectNamespace, podName, null, context, cancellationToken);

    public WatchSubscription Watch<T>(string? objectNamespace = null, WatchOptions? options = null)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Watch(ResourceTypes.For<T>(), objectNamespace, options);
}
