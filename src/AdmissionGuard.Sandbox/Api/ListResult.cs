using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>A page of a list, in key order, with the revision of the snapshot it came from.</summary>
/// <param name="Continue">Token for the next page, or null on the last page.</param>
public sealed record ListResult(IReadOnlyList<StoredObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);
