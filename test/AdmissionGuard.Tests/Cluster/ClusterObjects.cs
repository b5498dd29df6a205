namespace AdmissionGuard.Tests.Cluster;

/// <summary>API objects as a real cluster sends them (EKS with Cilium), for the projection tests.</summary>
internal static class ClusterObjects
{
    public const string EbsCsiNodePod = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "name": "ebs-csi-node-7xk2p",
            "generateName": "ebs-csi-node-",
            "namespace": "kube-system",
            "uid": "4b1f3c52-8d3e-4a7e-9f0b-2c6d1e5a7b90",
            "resourceVersion": "184467",
            "creationTimestamp": "2026-11-25T11:58:02Z",
            "labels": {
              "app": "ebs-csi-node",
              "app.kubernetes.io/component": "csi-driver",
              "app.kubernetes.io/managed-by": "EKS",
              "app.kubernetes.io/name": "aws-ebs-csi-driver",
              "controller-revision-hash": "6f9c7d8b4c",
              "pod-template-generation": "1"
            },
            "annotations": { "kubectl.kubernetes.io/default-container": "ebs-plugin" },
            "ownerReferences": [
              { "apiVersion": "apps/v1", "kind": "DaemonSet", "name": "ebs-csi-node", "uid": "0e2d4b8a-11c3-4f6e-a1d2-93b7c5e8f014", "controller": true, "blockOwnerDeletion": true }
            ]
          },
          "spec": {
            "affinity": {
              "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                  "nodeSelectorTerms": [
                    { "matchFields": [ { "key": "metadata.name", "operator": "In", "values": [ "ip-10-0-1-7.eu-west-1.compute.internal" ] } ] }
                  ]
                }
              }
            },
            "containers": [
              {
                "name": "ebs-plugin",
                "image": "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.37.0",
                "args": [ "node", "--endpoint=$(CSI_ENDPOINT)", "--logging-format=text", "--v=2" ],
                "env": [ { "name": "CSI_ENDPOINT", "value": "unix:/csi/csi.sock" } ],
                "resources": { "requests": { "cpu": "10m", "memory": "40Mi" } },
                "securityContext": { "privileged": true },
                "volumeMounts": [ { "name": "plugin-dir", "mountPath": "/csi" } ]
              }
            ],
            "nodeName": "ip-10-0-1-7.eu-west-1.compute.internal",
            "priorityClassName": "system-node-critical",
            "serviceAccountName": "ebs-csi-node-sa",
            "tolerations": [
              { "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300 },
              { "key": "CriticalAddonsOnly", "operator": "Exists" },
              { "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute" },
              { "key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute" },
              { "key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule" },
              { "key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule" },
              { "key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule" },
              { "key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule" }
            ],
            "volumes": [ { "name": "plugin-dir", "hostPath": { "path": "/var/lib/kubelet/plugins/ebs.csi.aws.com/", "type": "DirectoryOrCreate" } } ]
          },
          "status": {
            "phase": "Running",
            "hostIP": "10.0.1.7",
            "podIP": "10.0.1.113",
            "startTime": "2026-11-25T11:58:03Z",
            "conditions": [
              { "type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": "2026-11-25T11:58:05Z" },
              { "type": "Initialized", "status": "True", "lastTransitionTime": "2026-11-25T11:58:03Z" },
              { "type": "Ready", "status": "True", "lastTransitionTime": "2026-11-25T11:58:09Z" },
              { "type": "ContainersReady", "status": "True", "lastTransitionTime": "2026-11-25T11:58:09Z" },
              { "type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-11-25T11:58:02Z" }
            ],
            "containerStatuses": [
              { "name": "ebs-plugin", "ready": true, "restartCount": 0, "started": true, "image": "eks/aws-ebs-csi-driver:v1.37.0", "imageID": "", "state": { "running": { "startedAt": "2026-11-25T11:58:08Z" } } }
            ]
          }
        }
        """;

    public const string TaintedNode = """
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": {
            "name": "ip-10-0-1-7.eu-west-1.compute.internal",
            "uid": "7c0d9a4e-5b2f-4f1e-8a3d-6e9b1c2d4f50",
            "resourceVersion": "184102",
            "labels": {
              "kubernetes.io/hostname": "ip-10-0-1-7.eu-west-1.compute.internal",
              "node.kubernetes.io/instance-type": "m6i.large",
              "topology.kubernetes.io/zone": "eu-west-1a"
            }
          },
          "spec": {
            "providerID": "aws:///eu-west-1a/i-0a1b2c3d4e5f67890",
            "taints": [
              { "key": "node.cilium.io/agent-not-ready", "value": "true", "effect": "NoExecute" },
              { "key": "node.kubernetes.io/not-ready", "effect": "NoSchedule" }
            ]
          },
          "status": {
            "conditions": [
              { "type": "Ready", "status": "False", "reason": "KubeletNotReady", "message": "container runtime network not ready" },
              { "type": "NetworkUnavailable", "status": "True", "reason": "NoRouteCreated" }
            ],
            "addresses": [ { "type": "InternalIP", "address": "10.0.1.7" } ],
            "nodeInfo": { "kubeletVersion": "v1.32.3-eks-473151a", "containerRuntimeVersion": "containerd://1.7.27", "architecture": "amd64", "operatingSystem": "linux", "osImage": "Amazon Linux 2023", "kernelVersion": "6.1.132", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": "" }
          }
        }
        """;

    public const string CorednsEndpoint = """
        {
          "apiVersion": "cilium.io/v2",
          "kind": "CiliumEndpoint",
          "metadata": {
            "name": "coredns-5d78c9869d-8hx2m",
            "namespace": "kube-system",
            "uid": "f3a9b2c1-0d4e-4a5b-9c8d-7e6f5a4b3c2d",
            "resourceVersion": "185220",
            "labels": { "k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d" },
            "ownerReferences": [
              { "apiVersion": "v1", "kind": "Pod", "name": "coredns-5d78c9869d-8hx2m", "uid": "9d8c7b6a-5e4f-4d3c-8b2a-1f0e9d8c7b6a", "blockOwnerDeletion": true }
            ]
          },
          "status": {
            "id": 1873,
            "identity": { "id": 40212, "labels": [ "k8s:io.kubernetes.pod.namespace=kube-system", "k8s:k8s-app=kube-dns" ] },
            "networking": {
              "addressing": [ { "ipv4": "10.0.1.45" } ],
              "node": "10.0.1.7"
            },
            "encryption": {},
            "named-ports": [ { "name": "dns", "port": 53, "protocol": "UDP" }, { "name": "metrics", "port": 9153, "protocol": "TCP" } ],
            "state": "ready"
          }
        }
        """;

    public const string LeaderLease = """
        {
          "apiVersion": "coordination.k8s.io/v1",
          "kind": "Lease",
          "metadata": {
            "name": "admissionguard-leader",
            "namespace": "admissionguard-system",
            "uid": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
            "resourceVersion": "185301"
          },
          "spec": {
            "holderIdentity": "admissionguard-6b8f9c7d5-x2k9q",
            "leaseDurationSeconds": 15,
            "acquireTime": "2026-11-25T11:40:00.000000Z",
            "renewTime": "2026-11-25T11:59:55.123456Z",
            "leaseTransitions": 2
          }
        }
        """;

    public const string PaymentsNamespace = """
        {
          "apiVersion": "v1",
          "kind": "Namespace",
          "metadata": {
            "name": "payments",
            "uid": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
            "resourceVersion": "1042",
            "labels": { "admissionguard.io/mode": "deny", "kubernetes.io/metadata.name": "payments" }
          },
          "spec": { "finalizers": [ "kubernetes" ] },
          "status": { "phase": "Active" }
        }
        """;
}
