using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Benchmarks.Scale;

/// <summary>
/// A large, settled cluster written straight into the sandbox's store (no controllers: nothing changes once seeded):
/// nodes with a Ready Cilium agent each, Deployments' pods spread over 100 namespaces (50 per ReplicaSet), every pod
/// Running and Ready with its CiliumEndpoint. Pods carry what a real Deployment pod carries (service-account volume,
/// default tolerations, five conditions, container status), so list and watch bodies have realistic sizes.
/// </summary>
internal static class ScaleCluster
{
    private const int Namespaces = 100;
    private const int PodsPerReplicaSet = 50;
    private static readonly string Created = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static void Seed(ObjectStore store, int pods, int nodes)
    {
        for (var n = 0; n < Namespaces; n++)
        {
            store.Create(ResourceTypes.Namespaces, Parse($$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-{{n:D2}}","uid":"{{Guid.NewGuid()}}","creationTimestamp":"{{Created}}","labels":{"kubernetes.io/metadata.name":"team-{{n:D2}}"} },"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"} }"""));
        }

        for (var n = 0; n < nodes; n++)
        {
            var node = NodeName(n);
            store.Create(ResourceTypes.Nodes, Parse($$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{node}}","uid":"{{Guid.NewGuid()}}","creationTimestamp":"{{Created}}","labels":{"kubernetes.io/hostname":"{{node}}","kubernetes.io/os":"linux"} },"spec":{"podCIDR":"10.{{n / 250}}.{{n % 250}}.0/24"},"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"},{"type":"NetworkUnavailable","status":"False","reason":"CiliumIsUp"}],"addresses":[{"type":"InternalIP","address":"{{NodeIp(n)}}"}]} }"""));
            store.Create(ResourceTypes.Pods, Pod("kube-system", $"cilium-{n:D5}", n, n, """{"k8s-app":"cilium"}""", """{"apiVersion":"apps/v1","kind":"DaemonSet","name":"cilium","uid":"00000000-0000-0000-0000-00000000c111","controller":true,"blockOwnerDeletion":true}""", hostNetwork: true));
        }

        for (var i = 0; i < pods; i++)
        {
            var ns = $"team-{i % Namespaces:D2}";
            var replicaSet = $"app-{i / Namespaces / PodsPerReplicaSet:D4}-5d8f7c9b4";
            var owner = $$"""{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"{{replicaSet}}","uid":"{{OwnerUid(i)}}","controller":true,"blockOwnerDeletion":true}""";
            if (i / Namespaces % PodsPerReplicaSet == 0)
            {
                store.Create(ResourceTypes.ReplicaSets, Parse($$"""{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"{{replicaSet}}","namespace":"{{ns}}","uid":"{{OwnerUid(i)}}","creationTimestamp":"{{Created}}","labels":{"app":"{{replicaSet[..8]}}"} },"spec":{"replicas":{{PodsPerReplicaSet}},"selector":{"matchLabels":{"app":"{{replicaSet[..8]}}"} } },"status":{"replicas":{{PodsPerReplicaSet}},"readyReplicas":{{PodsPerReplicaSet}} } }"""));
            }

            var name = $"{replicaSet}-{i:D6}";
            var podJson = Pod(ns, name, i % nodes, i, $$"""{"app":"{{replicaSet[..8]}}","pod-template-hash":"5d8f7c9b4","tier":"{{(i % 2 == 0 ? "web" : "db")}}"}""", owner, hostNetwork: false);
            var pod = store.Create(ResourceTypes.Pods, podJson);
            store.Create(ResourceTypes.CiliumEndpoints, Endpoint(ns, name, pod.Uid, i, nodes));
        }
    }

    private static string NodeName(int n) => $"node-{n:D5}";

    private static string NodeIp(int n) => $"172.16.{n / 250}.{(n % 250) + 1}";

    private static string PodIp(int i) => $"10.{i / 65_000 % 250}.{i / 250 % 260}.{(i % 250) + 1}";

    private static string OwnerUid(int i) => $"00000000-0000-4000-8000-{i / Namespaces / PodsPerReplicaSet:D6}{i % Namespaces:D6}";

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Pod(string ns, string name, int node, int i, string labels, string owner, bool hostNetwork)
    {
        var ip = hostNetwork ? NodeIp(node) : PodIp(i);
        return Parse($$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{name}}","generateName":"{{name[..^6]}}","namespace":"{{ns}}","uid":"{{Guid.NewGuid()}}","creationTimestamp":"{{Created}}","labels":{{labels}},"ownerReferences":[{{owner}}]},
            "spec":{"volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"} },{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]} },{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"} }]} }],"defaultMode":420} }],
            "containers":[{"name":"app","image":"registry.example/team/app:1.27.3","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],"env":[{"name":"LOG_LEVEL","value":"info"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"} } }],
            "resources":{"limits":{"memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"} },"volumeMounts":[{"name":"kube-api-access","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],
            "readinessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
            "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
            "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"{{NodeName(node)}}","hostNetwork":{{(hostNetwork ? "true" : "false")}},
            "securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
            "priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},
            "status":{"phase":"Running","conditions":[{"type":"PodReadyToStartContainers","status":"True","lastTransitionTime":"{{Created}}"},{"type":"Initialized","status":"True","lastTransitionTime":"{{Created}}"},{"type":"Ready","status":"True","lastTransitionTime":"{{Created}}"},{"type":"ContainersReady","status":"True","lastTransitionTime":"{{Created}}"},{"type":"PodScheduled","status":"True","lastTransitionTime":"{{Created}}"}],
            "hostIP":"{{NodeIp(node)}}","hostIPs":[{"ip":"{{NodeIp(node)}}"}],"podIP":"{{ip}}","podIPs":[{"ip":"{{ip}}"}],"startTime":"{{Created}}",
            "containerStatuses":[{"name":"app","state":{"running":{"startedAt":"{{Created}}"} },"lastState":{},"ready":true,"restartCount":0,"image":"registry.example/team/app:1.27.3","imageID":"registry.example/team/app@sha256:4c1e997385b8fb4ad4d1d3c7e5d5e4f4b2f6c0f2e0b8c7d6a5b4c3d2e1f0a9b8","containerID":"containerd://{{Guid.NewGuid():N}}{{Guid.NewGuid():N}}","started":true}],
            "qosClass":"Burstable"} }
            """);
    }

    private static JsonObject Endpoint(string ns, string name, string podUid, int i, int nodes) => Parse($$"""
        {"apiVersion":"cilium.io/v2","kind":"CiliumEndpoint","metadata":{"name":"{{name}}","namespace":"{{ns}}","uid":"{{Guid.NewGuid()}}","creationTimestamp":"{{Created}}","labels":{"app":"{{name[..8]}}","pod-template-hash":"5d8f7c9b4"},
        "ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"{{name}}","uid":"{{podUid}}","blockOwnerDeletion":true}]},
        "status":{"id":{{(i % 4000) + 100}},"identity":{"id":{{(i % 900) + 10000}},"labels":["k8s:app={{name[..8]}}","k8s:io.kubernetes.pod.namespace={{ns}}","k8s:io.cilium.k8s.policy.serviceaccount=default"]},
        "networking":{"addressing":[{"ipv4":"{{PodIp(i)}}"}],"node":"{{NodeIp(i % nodes)}}"},"external-identifiers":{"container-id":"{{Guid.NewGuid():N}}","k8s-namespace":"{{ns}}","k8s-pod-name":"{{name}}","pod-name":"{{ns}}/{{name}}"},
        "encryption":{},"state":"ready","named-ports":[{"name":"http","port":8080,"protocol":"TCP"}],"policy":{"ingress":{"enforcing":false,"state":"<status disabled>"},"egress":{"enforcing":false,"state":"<status disabled>"} } } }
        """);
}
