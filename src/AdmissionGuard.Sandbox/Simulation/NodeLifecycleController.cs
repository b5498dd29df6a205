using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Of kube-controller-manager's node lifecycle controller (<c>pkg/controller/nodelifecycle</c>), only what every node
/// shows in <c>kubectl describe node</c>: the <c>RegisteredNode</c> event when it first sees a node (about the node's
/// uid). It neither watches the nodes' heartbeats nor taints nodes that stop reporting.
/// </summary>
internal sealed class NodeLifecycleController(ClusterApi api, ILogger logger) : IController
{
    private readonly ComponentEvents _events = new(api, "node-controller", EventsApi.CoreV1, logger);
    private readonly HashSet<string> _registered = new(StringComparer.Ordinal);

    public string Name => "node-lifecycle-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Nodes];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var nodes = api.List<V1Node>();
        _registered.IntersectWith(nodes.Select(n => n.Metadata.Uid));
        foreach (var node in nodes)
        {
            if (_registered.Add(node.Metadata.Uid))
            {
                var name = node.Metadata.Name;
                var about = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = name, Uid = node.Metadata.Uid };
                await _events.RecordAsync(about, "Normal", "RegisteredNode", "", $"Node {name} event: Registered Node {name} in Controller", cancellationToken);
            }
        }

        return null;
    }
}
