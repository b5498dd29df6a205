using System.Collections.Frozen;
using AdmissionGuard.Sandbox.Cilium;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>Every resource the sandbox serves.</summary>
public static class ResourceTypes
{
    public static ResourceType Namespaces { get; } = Core("Namespace", "namespaces", false, ["ns"], [], ["status"], typeof(V1Namespace));

    public static ResourceType Nodes { get; } = Core("Node", "nodes", false, ["no"], [], ["status"], typeof(V1Node));

    public static ResourceType Pods { get; } =
        Core("Pod", "pods", true, ["po"], ["all"], ["attach", "binding", "eviction", "exec", "log", "portforward", "status"], typeof(V1Pod));

    public static ResourceType Events { get; } = Core("Event", "events", true, ["ev"], [], [], typeof(Corev1Event));

    public static ResourceType Secrets { get; } = Core("Secret", "secrets", true, [], [], [], typeof(V1Secret));

    public static ResourceType ConfigMaps { get; } = Core("ConfigMap", "configmaps", true, ["cm"], [], [], typeof(V1ConfigMap));

    public static ResourceType ServiceAccounts { get; } = Core("ServiceAccount", "serviceaccounts", true, ["sa"], [], ["token"], typeof(V1ServiceAccount));

    public static ResourceType Services { get; } = Core("Service", "services", true, ["svc"], ["all"], ["status"], typeof(V1Service));

    public static ResourceType Endpoints { get; } = Core("Endpoints", "endpoints", true, ["ep"], [], [], typeof(V1Endpoints));

    /// <summary>No short name and no category, as upstream; written by the EndpointSlice controller for selecting Services.</summary>
    public static ResourceType EndpointSlices { get; } =
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, [], [], [], typeof(V1EndpointSlice));

    public static ResourceType DaemonSets { get; } =
        new("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, ["ds"], ["all"], ["status"], typeof(V1DaemonSet));

    public static ResourceType ReplicaSets { get; } =
        new("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, ["rs"], ["all"], ["scale", "status"], typeof(V1ReplicaSet));

    public static ResourceType Deployments { get; } =
        new("apps", "v1", "Deployment", "deployments", "deployment", true, ["deploy"], ["all"], ["scale", "status"], typeof(V1Deployment));

    /// <summary>The DaemonSet controller's history (<c>kubectl rollout history/undo</c> read it); no short name, as upstream.</summary>
    public static ResourceType ControllerRevisions { get; } =
        new("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", true, [], [], [], typeof(V1ControllerRevision));

    public static ResourceType StatefulSets { get; } =
        new("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, ["sts"], ["all"], ["scale", "status"], typeof(V1StatefulSet));

    public static ResourceType Jobs { get; } =
        new("batch", "v1", "Job", "jobs", "job", true, [], ["all"], ["status"], typeof(V1Job));

    public static ResourceType CronJobs { get; } =
        new("batch", "v1", "CronJob", "cronjobs", "cronjob", true, ["cj"], ["all"], ["status"], typeof(V1CronJob));

    public static ResourceType HorizontalPodAutoscalers { get; } =
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true, ["hpa"], ["all"], ["status"], typeof(V2HorizontalPodAutoscaler));

    public static ResourceType PodDisruptionBudgets { get; } =
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true, ["pdb"], [], ["status"], typeof(V1PodDisruptionBudget));

    public static ResourceType PriorityClasses { get; } =
        new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false, ["pc"], [], [], typeof(V1PriorityClass));

    public static ResourceType Roles { get; } = Rbac("Role", "roles", true, typeof(V1Role));

    public static ResourceType RoleBindings { get; } = Rbac("RoleBinding", "rolebindings", true, typeof(V1RoleBinding));

    public static ResourceType ClusterRoles { get; } = Rbac("ClusterRole", "clusterroles", false, typeof(V1ClusterRole));

    public static ResourceType ClusterRoleBindings { get; } = Rbac("ClusterRoleBinding", "clusterrolebindings", false, typeof(V1ClusterRoleBinding));

    public static ResourceType Leases { get; } =
        new("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, [], [], [], typeof(V1Lease));

    public static ResourceType MutatingWebhookConfigurations { get; } =
        new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations",
            "mutatingwebhookconfiguration", false, [], ["api-extensions"], [], typeof(V1MutatingWebhookConfiguration));

    public static ResourceType ValidatingWebhookConfigurations { get; } =
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations",
            "validatingwebhookconfiguration", false, [], ["api-extensions"], [], typeof(V1ValidatingWebhookConfiguration));

    public static ResourceType ValidatingAdmissionPolicies { get; } =
        new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies",
            "validatingadmissionpolicy", false, [], ["api-extensions"], ["status"], typeof(V1ValidatingAdmissionPolicy));

    public static ResourceType ValidatingAdmissionPolicyBindings { get; } =
        new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings",
            "validatingadmissionpolicybinding", false, [], ["api-extensions"], [], typeof(V1ValidatingAdmissionPolicyBinding));

    /// <summary>
    /// Served so that kubectl finds the apiextensions.k8s.io schema it falls back on for kinds it does not know, and
    /// lists the definitions of <see cref="CustomResources"/> (see <see cref="Api.CustomResourceDefinitions"/>).
    /// </summary>
    public static ResourceType CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", false,
            ["crd", "crds"], ["api-extensions"], ["status"], typeof(V1CustomResourceDefinition));

    public static ResourceType CiliumEndpoints { get; } =
        new("cilium.io", "v2", "CiliumEndpoint", "ciliumendpoints", "ciliumendpoint", true, ["cep", "ciliumep"], ["cilium"], [], typeof(CiliumEndpoint));

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Nodes, Pods, Events, Secrets, ConfigMaps, ServiceAccounts, Services, Endpoints, EndpointSlices, DaemonSets, ReplicaSets,
        Deployments, StatefulSets, ControllerRevisions, Jobs, CronJobs, HorizontalPodAutoscalers, PodDisruptionBudgets, PriorityClasses,
        Roles, RoleBindings, ClusterRoles, ClusterRoleBindings, Leases, MutatingWebhookConfigurations, ValidatingWebhookConfigurations, ValidatingAdmissionPolicies, ValidatingAdmissionPolicyBindings,
        CustomResourceDefinitions, CiliumEndpoints,
    ];

    /// <summary>The types a real cluster serves through a CustomResourceDefinition (Cilium's), not built in.</summary>
    public static IReadOnlyList<ResourceType> CustomResources { get; } = [CiliumEndpoints];

    private static readonly FrozenDictionary<Type, ResourceType> ByModel = All.ToFrozenDictionary(r => r.ModelType);

    /// <summary>The resource served for a model class, e.g. <see cref="V1Pod"/> gives <see cref="Pods"/>.</summary>
    /// <exception cref="ArgumentException">The sandbox does not serve that model.</exception>
    public static ResourceType For<T>() =>
        ByModel.TryGetValue(typeof(T), out var type)
            ? type
            : throw new ArgumentException($"the sandbox serves no resource for {typeof(T).Name}", nameof(T));

    /// <summary>Finds a resource by group, version and plural name (the URL form).</summary>
    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    private static ResourceType Rbac(string kind, string plural, bool namespaced, Type model) =>
        new("rbac.authorization.k8s.io", "v1", kind, plural, kind.ToLowerInvariant(), namespaced, [], [], [], model);

    private static ResourceType Core(
        string kind, string plural, bool namespaced, string[] shortNames, string[] categories, string[] subresources, Type model) =>
        new("", "v1", kind, plural, kind.ToLowerInvariant(), namespaced, shortNames, categories, subresources, model);
}
