using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>A pod with the detector's verdict and a one-line explanation for humans.</summary>
public sealed record PodClassification(PodFacts Pod, PodVerdict Verdict, string Detail)
{
    public bool IsUnmanaged => Verdict is PodVerdict.NoEndpoint or PodVerdict.StaleEndpoint;
}
