using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Admission;

/// <summary>Every text admission shows to users, in one place so they stay consistent.</summary>
public static class AdmissionMessages
{
    private static readonly WarningTemplate StillTaintedText = new("node {0} is still tainted {1}: pod would start without Cilium networking");
    private static readonly WarningTemplate GatedText = new($"node {{0}} is still tainted {{1}}: gate {WellKnown.SchedulingGate} holds the pod");
    private static readonly WarningTemplate MayLandText = new("node {0} is still tainted {1}: pod tolerates it and may start there without Cilium");
    private static readonly WarningTemplate MayLandOnOneOfText = new("node {0} and {1} more are still tainted {2}: pod tolerates it, may start without Cilium");
    private static readonly WarningTemplate UnknownNodeText = new("node {0} is not known to AdmissionGuard yet: cannot check that its Cilium agent is ready");
    private static readonly WarningTemplate InvalidModeLabelText =
        new($"namespace {{0}}: label {WellKnown.NamespaceModeLabel}={{1}} is not one of {GuardModes.Allowed}; using {{2}}");

    public static string StillTainted(string node, Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return WarningText.Fit(StillTaintedText, node, taint.Key);
    }

    public static string Gated(string node, Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return WarningText.Fit(GatedText, node, taint.Key);
    }

    public const string CannotGateNodeName =
        "pod sets spec.nodeName, so AdmissionGuard cannot hold it with a scheduling gate";

    public const string NoReconciler =
        "AdmissionGuard gate mode acts as warn: no reconciler is running to release scheduling gates";

    public static string MayLandOnTaintedNode(string node, int taintedNodes, Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return taintedNodes <= 1
            ? WarningText.Fit(MayLandText, node, taint.Key)
            : WarningText.Fit(MayLandOnOneOfText, node, (taintedNodes - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), taint.Key);
    }

    public static string UnknownNode(string node) =>
        WarningText.Fit(UnknownNodeText, node);

    public static string InvalidModeLabel(string podNamespace, string value, GuardMode fallback) =>
        WarningText.Fit(InvalidModeLabelText, podNamespace, value, fallback.ToLabelValue());

    public static string PodDenied(string node, Taint taint) =>
        $"{StillTainted(node, taint)}. AdmissionGuard (mode deny) refuses it until the Cilium agent there is ready";

    public static string BindingDenied(string node, Taint taint) =>
        $"{StillTainted(node, taint)}. AdmissionGuard refuses the binding until the Cilium agent there is ready; the scheduler retries";

    public static string UnknownPodBindingDenied(string pod, string node, Taint taint) =>
        $"{StillTainted(node, taint)}. AdmissionGuard has not seen pod {pod} yet and cannot tell whether it needs Cilium, so it refuses the binding; the scheduler retries";
}
