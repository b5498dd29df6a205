using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>Owner references as the built-in controllers write and read them.</summary>
internal static class Owners
{
    public static V1OwnerReference Controller(string apiVersion, string kind, V1ObjectMeta owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = owner.Name,
            Uid = owner.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>The uid of the object's controller (the owner reference with controller=true), or null.</summary>
    public static string? ControllerUid(V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Uid;

    /// <summary>Objects grouped by the uid of their controller; objects without one are left out.</summary>
    public static Dictionary<string, List<T>> ByController<T>(IEnumerable<T> objects, Func<T, V1ObjectMeta?> metadata)
    {
        var groups = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        foreach (var item in objects)
        {
            if (ControllerUid(metadata(item)) is { } uid)
            {
                if (!groups.TryGetValue(uid, out var list))
                {
                    groups[uid] = list = [];
                }

                list.Add(item);
            }
        }

        return groups;
    }
}
