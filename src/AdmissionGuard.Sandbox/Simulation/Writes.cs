using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// A controller's write that may lose a race: a stale resourceVersion (409) or an object deleted meanwhile (404)
/// is not an error, the write event that caused it starts another pass anyway.
/// </summary>
internal static class Writes
{
    /// <returns>True when the write happened.</returns>
    public static async Task<bool> TryAsync(Func<Task> write, string controller, ResourceType type, V1ObjectMeta metadata, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(metadata);
        try
        {
            await write();
            return true;
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            SimulationLog.WriteConflict(logger, controller, type.ToString(), metadata.NamespaceProperty, metadata.Name, e.Reason);
            return false;
        }
    }
}
