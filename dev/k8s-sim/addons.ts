// What every real cluster runs besides the API: cluster DNS, as kubeadm installs it (CoreDNS
// Deployment `coredns`, ServiceAccount, Corefile ConfigMap and the `kube-dns` Service on 10.96.0.10
// with ports dns/dns-tcp/metrics, selecting k8s-app=kube-dns). Created through the registry (so
// defaulting and admission apply) on a fresh cluster and on a restored one that lacks them.
// Reference: kubernetes/cmd/kubeadm/app/phases/addons/dns/manifests.go
import type { Registry } from "./registry";
import { R, RESOURCES, type ResDef } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

const KUBE_DNS_IP = "10.96.0.10";
const DNS_LABELS = { "k8s-app": "kube-dns" };
const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

const cm = RESOURCES.find((r) => r.group === "" && r.name === "configmaps") as ResDef;

function addonObjects(): [ResDef, Obj][] {
  return [
    [R.sa, { metadata: { name: "coredns", namespace: "kube-system" } }],
    [cm, { metadata: { name: "coredns", namespace: "kube-system" }, data: { Corefile: COREFILE } }],
    [
      R.svc,
      {
        metadata: {
          name: "kube-dns",
          namespace: "kube-system",
          labels: { ...DNS_LABELS, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
          annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
        },
        spec: {
          selector: DNS_LABELS,
          clusterIP: KUBE_DNS_IP,
          ports: [
            { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
            { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
            { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
          ],
        },
      },
    ],
    [
      R.deploy,
      {
        metadata: { name: "coredns", namespace: "kube-system", labels: DNS_LABELS },
        spec: {
          replicas: 2,
          selector: { matchLabels: DNS_LABELS },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: DNS_LABELS },
            spec: {
              priorityClassName: "system-cluster-critical",
              serviceAccountName: "coredns",
              dnsPolicy: "Default",
              nodeSelector: { "kubernetes.io/os": "linux" },
              tolerations: [
                { key: "CriticalAddonsOnly", operator: "Exists" },
                { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
              ],
              containers: [
                {
                  name: "coredns",
                  image: "registry.k8s.io/coredns/coredns:v1.11.3",
                  imagePullPolicy: "IfNotPresent",
                  args: ["-conf", "/etc/coredns/Corefile"],
                  resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
                  ports: [
                    { containerPort: 53, name: "dns", protocol: "UDP" },
                    { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                    { containerPort: 9153, name: "metrics", protocol: "TCP" },
                  ],
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                    readOnlyRootFilesystem: true,
                  },
                  volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
                },
              ],
              volumes: [
                {
                  name: "config-volume",
                  configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] },
                },
              ],
            },
          },
        },
      },
    ],
  ];
}

/** Creates the add-ons that are missing; true when it created any. */
export function ensureAddons(store: Store, registry: Registry): boolean {
  if (!store.get(R.ns, "", "kube-system")) return false;
  let created = false;
  for (const [def, o] of addonObjects())
    if (!store.get(def, "kube-system", o.metadata.name)) {
      registry.create(def, "kube-system", o);
      created = true;
    }
  return created;
}
