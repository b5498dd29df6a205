using System.Collections.Frozen;

namespace AdmissionGuard.Sandbox.Protobuf;

/// <summary>
/// The messages of k8s.io/api and apimachinery <c>generated.proto</c> (release 1.32) that kubectl's generators,
/// drain, scale and create token send: field number to JSON name and kind. Fields left out are skipped on
/// decoding (protobuf semantics); docs/sandbox.md lists what that loses.
/// </summary>
internal static class ProtoSchema
{
    /// <summary>Messages decoded to a JSON value other than an object.</summary>
    public const string Time = "Time", Quantity = "Quantity", IntOrString = "IntOrString";

    /// <summary>The top-level kinds a protobuf body may carry, and their message.</summary>
    public static FrozenDictionary<string, string> Kinds { get; } = new[]
    {
        "Namespace", "Pod", "Service", "ConfigMap", "Secret", "ServiceAccount", "Binding", "Deployment", "DaemonSet",
        "ReplicaSet", "Scale", "Job", "CronJob", "PodDisruptionBudget", "Eviction", "PriorityClass", "Role",
        "RoleBinding", "ClusterRole", "ClusterRoleBinding", "TokenRequest", "SelfSubjectReview", "DeleteOptions",
    }.ToFrozenDictionary(k => k, k => k, StringComparer.Ordinal);

    public static FrozenDictionary<string, FrozenDictionary<int, ProtoField>> Messages { get; } = new Dictionary<string, ProtoField[]>
    {
        // apimachinery pkg/apis/meta/v1
        ["ObjectMeta"] =
        [
            S(1, "name"), S(2, "generateName"), S(3, "namespace"), S(5, "uid"), S(6, "resourceVersion"), L(7, "generation"),
            M(8, "creationTimestamp", Time), M(9, "deletionTimestamp", Time), L(10, "deletionGracePeriodSeconds", keepZero: true),
            Map(11, "labels"), Map(12, "annotations"), Ms(13, "ownerReferences", "OwnerReference"), Ss(14, "finalizers"),
        ],
        ["OwnerReference"] = [S(1, "kind"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), B(6, "controller", true), B(7, "blockOwnerDeletion", true)],
        ["LabelSelector"] = [Map(1, "matchLabels"), Ms(2, "matchExpressions", "LabelSelectorRequirement")],
        ["LabelSelectorRequirement"] = [S(1, "key"), S(2, "operator"), Ss(3, "values")],
        ["DeleteOptions"] =
        [
            L(1, "gracePeriodSeconds", keepZero: true), M(2, "preconditions", "Preconditions"), B(3, "orphanDependents", true),
            S(4, "propagationPolicy"), Ss(5, "dryRun"),
        ],
        ["Preconditions"] = [S(1, "uid"), S(2, "resourceVersion")],

        // core/v1
        ["Namespace"] = Object("NamespaceSpec", "NamespaceStatus"),
        ["NamespaceSpec"] = [Ss(1, "finalizers")],
        ["NamespaceStatus"] = [S(1, "phase")],
        ["Pod"] = Object("PodSpec", "PodStatus"),
        ["PodStatus"] = [S(1, "phase")],
        ["PodTemplateSpec"] = [M(1, "metadata", "ObjectMeta"), M(2, "spec", "PodSpec")],
        ["PodSpec"] =
        [
            Ms(1, "volumes", "Volume"), Ms(2, "containers", "Container"), S(3, "restartPolicy"),
            L(4, "terminationGracePeriodSeconds", keepZero: true), L(5, "activeDeadlineSeconds", keepZero: true), S(6, "dnsPolicy"),
            Map(7, "nodeSelector"), S(8, "serviceAccountName"), S(9, "serviceAccount"), S(10, "nodeName"), B(11, "hostNetwork"),
            B(12, "hostPID"), B(13, "hostIPC"), M(14, "securityContext", "PodSecurityContext"),
            Ms(15, "imagePullSecrets", "LocalObjectReference"), S(16, "hostname"), S(17, "subdomain"), M(18, "affinity", "Affinity"),
            S(19, "schedulerName"), Ms(20, "initContainers", "Container"), B(21, "automountServiceAccountToken", true),
            Ms(22, "tolerations", "Toleration"), S(24, "priorityClassName"), I(25, "priority", true), B(27, "shareProcessNamespace", true),
            Ms(28, "readinessGates", "PodReadinessGate"), S(29, "runtimeClassName"), B(30, "enableServiceLinks", true),
            S(31, "preemptionPolicy"), B(35, "setHostnameAsFQDN", true), B(37, "hostUsers", true),
            Ms(38, "schedulingGates", "PodSchedulingGate"),
        ],
        ["PodSecurityContext"] = [L(2, "runAsUser", keepZero: true), B(3, "runAsNonRoot", true), L(5, "fsGroup", keepZero: true), L(6, "runAsGroup", keepZero: true)],
        ["PodReadinessGate"] = [S(1, "conditionType")],
        ["PodSchedulingGate"] = [S(1, "name")],
        ["LocalObjectReference"] = [S(1, "name")],
        ["Container"] =
        [
            S(1, "name"), S(2, "image"), Ss(3, "command"), Ss(4, "args"), S(5, "workingDir"), Ms(6, "ports", "ContainerPort"),
            Ms(7, "env", "EnvVar"), M(8, "resources", "ResourceRequirements"), Ms(9, "volumeMounts", "VolumeMount"),
            S(13, "terminationMessagePath"), S(14, "imagePullPolicy"), B(16, "stdin"), B(17, "stdinOnce"), B(18, "tty"),
            S(20, "terminationMessagePolicy"), S(24, "restartPolicy"),
        ],
        ["ContainerPort"] = [S(1, "name"), I(2, "hostPort"), I(3, "containerPort", true), S(4, "protocol"), S(5, "hostIP")],
        ["EnvVar"] = [S(1, "name"), S(2, "value")],
        ["ResourceRequirements"] = [MapOf(1, "limits", Quantity), MapOf(2, "requests", Quantity)],
        ["VolumeMount"] = [S(1, "name"), B(2, "readOnly"), S(3, "mountPath"), S(4, "subPath")],
        ["Volume"] = [S(1, "name"), new(2, "", FieldKind.Message, "VolumeSource", Inline: true)],
        ["VolumeSource"] =
        [
            M(1, "hostPath", "HostPathVolumeSource"), M(2, "emptyDir", "EmptyDirVolumeSource"), M(6, "secret", "SecretVolumeSource"),
            M(10, "persistentVolumeClaim", "PersistentVolumeClaimVolumeSource"), M(19, "configMap", "ConfigMapVolumeSource"),
        ],
        ["HostPathVolumeSource"] = [S(1, "path"), S(2, "type")],
        ["EmptyDirVolumeSource"] = [S(1, "medium"), M(2, "sizeLimit", Quantity)],
        ["SecretVolumeSource"] = [S(1, "secretName"), Ms(2, "items", "KeyToPath"), I(3, "defaultMode", true), B(4, "optional", true)],
        ["ConfigMapVolumeSource"] =
        [
            new(1, "", FieldKind.Message, "LocalObjectReference", Inline: true), Ms(2, "items", "KeyToPath"), I(3, "defaultMode", true),
            B(4, "optional", true),
        ],
        ["PersistentVolumeClaimVolumeSource"] = [S(1, "claimName"), B(2, "readOnly")],
        ["KeyToPath"] = [S(1, "key"), S(2, "path"), I(3, "mode", true)],
        ["Toleration"] = [S(1, "key"), S(2, "operator"), S(3, "value"), S(4, "effect"), L(5, "tolerationSeconds", keepZero: true)],
        ["Affinity"] = [M(1, "nodeAffinity", "NodeAffinity")],
        ["NodeAffinity"] =
        [
            M(1, "requiredDuringSchedulingIgnoredDuringExecution", "NodeSelector"),
            Ms(2, "preferredDuringSchedulingIgnoredDuringExecution", "PreferredSchedulingTerm"),
        ],
        ["NodeSelector"] = [Ms(1, "nodeSelectorTerms", "NodeSelectorTerm")],
        ["NodeSelectorTerm"] = [Ms(1, "matchExpressions", "NodeSelectorRequirement"), Ms(2, "matchFields", "NodeSelectorRequirement")],
        ["NodeSelectorRequirement"] = [S(1, "key"), S(2, "operator"), Ss(3, "values")],
        ["PreferredSchedulingTerm"] = [I(1, "weight", true), M(2, "preference", "NodeSelectorTerm")],
        ["Service"] = Object("ServiceSpec", "Empty"),
        ["ServiceSpec"] =
        [
            Ms(1, "ports", "ServicePort"), Map(2, "selector"), S(3, "clusterIP"), S(4, "type"), Ss(5, "externalIPs"),
            S(7, "sessionAffinity"), S(10, "externalName"), S(11, "externalTrafficPolicy"), B(13, "publishNotReadyAddresses"),
            S(17, "ipFamilyPolicy"), Ss(18, "clusterIPs"), Ss(19, "ipFamilies"), S(22, "internalTrafficPolicy"),
        ],
        ["ServicePort"] = [S(1, "name"), S(2, "protocol"), I(3, "port", true), M(4, "targetPort", IntOrString), I(5, "nodePort"), S(6, "appProtocol")],
        ["ConfigMap"] = [M(1, "metadata", "ObjectMeta"), Map(2, "data"), MapOf(3, "binaryData", FieldKind.Bytes), B(4, "immutable", true)],
        ["Secret"] =
        [
            M(1, "metadata", "ObjectMeta"), MapOf(2, "data", FieldKind.Bytes), S(3, "type"), Map(4, "stringData"), B(5, "immutable", true),
        ],
        ["ServiceAccount"] =
        [
            M(1, "metadata", "ObjectMeta"), Ms(2, "secrets", "ObjectReference"), Ms(3, "imagePullSecrets", "LocalObjectReference"),
            B(4, "automountServiceAccountToken", true),
        ],
        ["ObjectReference"] =
            [S(1, "kind"), S(2, "namespace"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), S(6, "resourceVersion"), S(7, "fieldPath")],
        ["Binding"] = [M(1, "metadata", "ObjectMeta"), M(2, "target", "ObjectReference")],

        // apps/v1 (and autoscaling/v1 Scale)
        ["Deployment"] = Object("DeploymentSpec", "Empty"),
        ["DeploymentSpec"] =
        [
            I(1, "replicas", true), M(2, "selector", "LabelSelector"), M(3, "template", "PodTemplateSpec"),
            M(4, "strategy", "DeploymentStrategy"), I(5, "minReadySeconds"), I(6, "revisionHistoryLimit", true), B(7, "paused"),
            I(9, "progressDeadlineSeconds", true),
        ],
        ["DeploymentStrategy"] = [S(1, "type"), M(2, "rollingUpdate", "RollingUpdate")],
        ["RollingUpdate"] = [M(1, "maxUnavailable", IntOrString), M(2, "maxSurge", IntOrString)],
        ["DaemonSet"] = Object("DaemonSetSpec", "Empty"),
        ["DaemonSetSpec"] =
        [
            M(1, "selector", "LabelSelector"), M(2, "template", "PodTemplateSpec"), M(3, "updateStrategy", "DeploymentStrategy"),
            I(4, "minReadySeconds"), I(6, "revisionHistoryLimit", true),
        ],
        ["ReplicaSet"] = Object("ReplicaSetSpec", "Empty"),
        ["ReplicaSetSpec"] = [I(1, "replicas", true), M(2, "selector", "LabelSelector"), M(3, "template", "PodTemplateSpec"), I(4, "minReadySeconds")],
        ["Scale"] = Object("ScaleSpec", "Empty"),
        ["ScaleSpec"] = [I(1, "replicas", true)],

        // batch/v1
        ["Job"] = Object("JobSpec", "Empty"),
        ["JobSpec"] =
        [
            I(1, "parallelism", true), I(2, "completions", true), L(3, "activeDeadlineSeconds", keepZero: true),
            M(4, "selector", "LabelSelector"), B(5, "manualSelector", true), M(6, "template", "PodTemplateSpec"),
            I(7, "backoffLimit", true), I(8, "ttlSecondsAfterFinished", true), S(9, "completionMode"), B(10, "suspend", true),
            I(12, "backoffLimitPerIndex", true), I(13, "maxFailedIndexes", true), S(14, "podReplacementPolicy"), S(15, "managedBy"),
        ],
        ["CronJob"] = Object("CronJobSpec", "Empty"),
        ["CronJobSpec"] =
        [
            S(1, "schedule"), L(2, "startingDeadlineSeconds", keepZero: true), S(3, "concurrencyPolicy"), B(4, "suspend", true),
            M(5, "jobTemplate", "JobTemplateSpec"), I(6, "successfulJobsHistoryLimit", true), I(7, "failedJobsHistoryLimit", true),
            S(8, "timeZone"),
        ],
        ["JobTemplateSpec"] = [M(1, "metadata", "ObjectMeta"), M(2, "spec", "JobSpec")],

        // policy/v1, scheduling.k8s.io/v1
        ["PodDisruptionBudget"] = Object("PodDisruptionBudgetSpec", "Empty"),
        ["PodDisruptionBudgetSpec"] =
        [
            M(1, "minAvailable", IntOrString), M(2, "selector", "LabelSelector"), M(3, "maxUnavailable", IntOrString),
            S(4, "unhealthyPodEvictionPolicy"),
        ],
        ["Eviction"] = [M(1, "metadata", "ObjectMeta"), M(2, "deleteOptions", "DeleteOptions")],
        ["PriorityClass"] = [M(1, "metadata", "ObjectMeta"), I(2, "value", true), B(3, "globalDefault"), S(4, "description"), S(5, "preemptionPolicy")],

        // rbac.authorization.k8s.io/v1
        ["Role"] = [M(1, "metadata", "ObjectMeta"), Ms(2, "rules", "PolicyRule")],
        ["ClusterRole"] = [M(1, "metadata", "ObjectMeta"), Ms(2, "rules", "PolicyRule"), M(3, "aggregationRule", "AggregationRule")],
        ["AggregationRule"] = [Ms(1, "clusterRoleSelectors", "LabelSelector")],
        ["PolicyRule"] = [Ss(1, "verbs"), Ss(2, "apiGroups"), Ss(3, "resources"), Ss(4, "resourceNames"), Ss(5, "nonResourceURLs")],
        ["RoleBinding"] = Binding(),
        ["ClusterRoleBinding"] = Binding(),
        ["Subject"] = [S(1, "kind"), S(2, "apiGroup"), S(3, "name"), S(4, "namespace")],
        ["RoleRef"] = [S(1, "apiGroup"), S(2, "kind"), S(3, "name")],

        // authentication.k8s.io/v1
        ["TokenRequest"] = Object("TokenRequestSpec", "Empty"),
        ["TokenRequestSpec"] = [Ss(1, "audiences"), M(3, "boundObjectRef", "BoundObjectReference"), L(4, "expirationSeconds", keepZero: true)],
        ["BoundObjectReference"] = [S(1, "kind"), S(2, "apiVersion"), S(3, "name"), S(4, "uid")],
        ["SelfSubjectReview"] = [M(1, "metadata", "ObjectMeta"), M(2, "status", "Empty")],

        // A status a create resets anyway: its fields are skipped, it stays an (empty) object.
        ["Empty"] = [],
    }.ToFrozenDictionary(m => m.Key, m => m.Value.ToFrozenDictionary(f => f.Number), StringComparer.Ordinal);

    private static ProtoField[] Object(string spec, string status) =>
        [M(1, "metadata", "ObjectMeta"), M(2, "spec", spec), M(3, "status", status)];

    private static ProtoField[] Binding() => [M(1, "metadata", "ObjectMeta"), Ms(2, "subjects", "Subject"), M(3, "roleRef", "RoleRef")];

    private static ProtoField S(int number, string name) => new(number, name, FieldKind.String);

    private static ProtoField Ss(int number, string name) => new(number, name, FieldKind.String, Repeated: true);

    private static ProtoField I(int number, string name, bool keepZero = false) => new(number, name, FieldKind.Int32, KeepZero: keepZero);

    private static ProtoField L(int number, string name, bool keepZero = false) => new(number, name, FieldKind.Int64, KeepZero: keepZero);

    private static ProtoField B(int number, string name, bool keepZero = false) => new(number, name, FieldKind.Bool, KeepZero: keepZero);

    private static ProtoField M(int number, string name, string message) => new(number, name, FieldKind.Message, message);

    private static ProtoField Ms(int number, string name, string message) => new(number, name, FieldKind.Message, message, Repeated: true);

    private static ProtoField Map(int number, string name) => MapOf(number, name, FieldKind.String);

    private static ProtoField MapOf(int number, string name, FieldKind value) => new(number, name, FieldKind.Message, MapValue: value);

    private static ProtoField MapOf(int number, string name, string valueMessage) =>
        new(number, name, FieldKind.Message, valueMessage, MapValue: FieldKind.Message);
}
