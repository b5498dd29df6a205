using k8s;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>A change to one object; <see cref="StoredObject.ResourceVersion"/> is the revision of the change.</summary>
public sealed record StoreWatchEvent(WatchEventType Type, StoredObject Item);
