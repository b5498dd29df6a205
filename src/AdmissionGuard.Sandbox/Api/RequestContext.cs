namespace AdmissionGuard.Sandbox.Api;

/// <summary>Per-request settings and what admission hands back (warnings), for in-process and HTTP callers alike.</summary>
public sealed class RequestContext
{
    /// <summary>Run admission and validation but store nothing (<c>?dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// deleteOptions.gracePeriodSeconds (<c>?gracePeriodSeconds=</c>): how long a deleted pod may take to terminate;
    /// null takes the pod's spec.terminationGracePeriodSeconds, 0 deletes at once.
    /// </summary>
    public long? GracePeriodSeconds { get; set; }

    /// <summary>userInfo.username in AdmissionReviews.</summary>
    public string User { get; init; } = "system:admin";

    /// <summary>Warnings returned by admission webhooks, in call order (HTTP sends them as Warning headers).</summary>
    public IList<string> Warnings { get; } = [];
}
