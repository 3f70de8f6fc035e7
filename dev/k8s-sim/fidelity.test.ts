// Fidelity table: invalid objects and requests the simulator must refuse exactly as kube-apiserver
// does (status code, reason, message; the first field cause where there is one). Every row is a real
// HTTPS request to a simulator cluster. Messages are upstream's (see the sources cited in
// validation/*.ts and field-validation.ts); a RegExp is used only where upstream prints a Go struct
// whose internals we do not pin down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildLeaseObjects } from "@/lib/k8s/build-lease-objects";
import { generateRbacManifest } from "@/lib/k8s/rbac-manifest";
import { canonicalizeManifest, type ManifestInput, secretDigest } from "@/lib/market/manifest";
import { apiVersionOf, RESOURCES } from "./resources";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw } from "./test-helpers";

let sim: Simulator;
let c: SimCluster;

const NS = "fid";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
const QTY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const api = (group: string, res: string, ns: string | null = NS, name?: string) => {
  const base = group ? `/apis/${group}` : "/api/v1";
  return `${base}${ns ? `/namespaces/${ns}` : ""}/${res}${name ? `/${name}` : ""}`;
};
const meta = (name: string, extra: object = {}) => ({ name, ...extra });

const container = (extra: object = {}) => ({ name: "app", image: "nginx:1.27", ...extra });
const deployment = (name: string, spec: object = {}, tplSpec: object = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: meta(name),
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [container()], ...tplSpec } },
    ...spec,
  },
});
const netpol = (name: string, spec: object) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: meta(name),
  spec: { podSelector: {}, ...spec },
});
const service = (name: string, spec: object) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: meta(name),
  spec,
});
const pvc = (name: string, spec: object) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: meta(name),
  spec,
});
const hpa = (name: string, spec: object) => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: meta(name),
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    maxReplicas: 3,
    ...spec,
  },
});
const ingress = (name: string, spec: object) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: meta(name),
  spec,
});
const lr = (name: string, limit: object) => ({
  apiVersion: "v1",
  kind: "LimitRange",
  metadata: meta(name),
  spec: { limits: [{ type: "Container", ...limit }] },
});

interface Row {
  name: string;
  method?: string;
  path: string;
  body?: unknown;
  contentType?: string;
  /** a token with these rules instead of the admin token */
  rules?: { verbs: string[]; apiGroups: string[]; resources: string[] }[];
  code: number;
  reason: string;
  message: string | RegExp;
  cause?: { field: string; reason: string };
}

const MERGE = "application/merge-patch+json";
const APPLY = "application/apply-patch+yaml";

const rows: Row[] = [
  // ---------------- Namespace ----------------
  {
    name: "namespace name is a DNS-1123 label",
    path: "/api/v1/namespaces",
    body: { metadata: { name: "Bad_Name" } },
    code: 422,
    reason: "Invalid",
    message: `Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${LABEL_MSG}`,
    cause: { field: "metadata.name", reason: "FieldValueInvalid" },
  },
  {
    name: "namespace name with dots",
    path: "/api/v1/namespaces",
    body: { metadata: { name: "a.b" } },
    code: 422,
    reason: "Invalid",
    message: 'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots',
  },
  {
    name: "Pod Security level must be known",
    path: "/api/v1/namespaces",
    body: { metadata: { name: "psa-bad", labels: { "pod-security.kubernetes.io/enforce": "superstrict" } } },
    code: 422,
    reason: "Invalid",
    message:
      'Namespace "psa-bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "superstrict": must be one of privileged, baseline, restricted',
  },
  {
    name: "Pod Security version must be latest or v1.x",
    path: "/api/v1/namespaces",
    body: {
      metadata: {
        name: "psa-ver",
        labels: {
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/enforce-version": "1.30",
        },
      },
    },
    code: 422,
    reason: "Invalid",
    message:
      'Namespace "psa-ver" is invalid: metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.30": must be "latest" or "v1.x"',
  },
  {
    name: "label values are at most 63 characters",
    path: "/api/v1/namespaces",
    body: { metadata: { name: "long-label", labels: { tier: "a".repeat(64) } } },
    code: 422,
    reason: "Invalid",
    message: `Namespace "long-label" is invalid: metadata.labels: Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`,
    cause: { field: "metadata.labels", reason: "FieldValueInvalid" },
  },
  {
    name: "label keys are qualified names",
    path: "/api/v1/namespaces",
    body: { metadata: { name: "bad-key", labels: { "bad key": "x" } } },
    code: 422,
    reason: "Invalid",
    message:
      "Namespace \"bad-key\" is invalid: metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  },
  {
    name: "namespace that exists",
    path: "/api/v1/namespaces",
    body: { metadata: { name: "default" } },
    code: 409,
    reason: "AlreadyExists",
    message: 'namespaces "default" already exists',
  },
  {
    name: "kube-system may not be deleted",
    method: "DELETE",
    path: "/api/v1/namespaces/kube-system",
    code: 403,
    reason: "Forbidden",
    message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted',
  },
  // ---------------- ResourceQuota ----------------
  {
    name: "quota keys must be standard resources",
    path: api("", "resourcequotas"),
    body: { metadata: meta("q1"), spec: { hard: { gpus: "1" } } },
    code: 422,
    reason: "Invalid",
    message:
      'ResourceQuota "q1" is invalid: spec.hard[gpus]: Invalid value: "gpus": must be a standard resource for quota',
    cause: { field: "spec.hard[gpus]", reason: "FieldValueInvalid" },
  },
  {
    name: "quota values are not negative",
    path: api("", "resourcequotas"),
    body: { metadata: meta("q2"), spec: { hard: { pods: "-1" } } },
    code: 422,
    reason: "Invalid",
    message:
      'ResourceQuota "q2" is invalid: spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
  },
  {
    name: "quota quantities are parsed strictly (decode error)",
    path: api("", "resourcequotas"),
    body: {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: meta("q3"),
      spec: { hard: { "requests.cpu": "lots" } },
    },
    code: 400,
    reason: "BadRequest",
    message: `ResourceQuota in version "v1" cannot be handled as a ResourceQuota: ${QTY_MSG}`,
  },
  {
    name: "object-count quotas are integers",
    path: api("", "resourcequotas"),
    body: { metadata: meta("q4"), spec: { hard: { pods: "1500m" } } },
    code: 422,
    reason: "Invalid",
    message:
      /^ResourceQuota "q4" is invalid: spec\.hard\[pods\]: Invalid value: resource\.Quantity\{.*\}: must be an integer$/,
  },
  // ---------------- LimitRange ----------------
  {
    name: "LimitRange default above max",
    path: api("", "limitranges"),
    body: lr("lr1", { default: { cpu: "2" }, max: { cpu: "1" } }),
    code: 422,
    reason: "Invalid",
    message:
      /^LimitRange "lr1" is invalid: spec\.limits\[0\]\.default\[cpu\]: Invalid value: resource\.Quantity\{.*\}: default value 2 is greater than max value 1$/,
    cause: { field: "spec.limits[0].default[cpu]", reason: "FieldValueInvalid" },
  },
  {
    name: "LimitRange defaultRequest above default",
    path: api("", "limitranges"),
    body: lr("lr2", { default: { memory: "1Gi" }, defaultRequest: { memory: "2Gi" } }),
    code: 422,
    reason: "Invalid",
    message:
      /^LimitRange "lr2" is invalid: spec\.limits\[0\]\.defaultRequest\[memory\]: Invalid value: resource\.Quantity\{.*\}: default request value 2Gi is greater than default limit value 1Gi$/,
  },
  {
    name: "LimitRange min above max",
    path: api("", "limitranges"),
    body: lr("lr3", { min: { cpu: "500m" }, max: { cpu: "100m" } }),
    code: 422,
    reason: "Invalid",
    message:
      /^LimitRange "lr3" is invalid: spec\.limits\[0\]\.min\[cpu\]: Invalid value: .*: min value 500m is greater than max value 100m$/,
  },
  // ---------------- NetworkPolicy ----------------
  {
    name: "ipBlock cidr must parse",
    path: api("networking.k8s.io/v1", "networkpolicies"),
    body: netpol("np1", { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] }),
    code: 422,
    reason: "Invalid",
    message: `NetworkPolicy.networking.k8s.io "np1" is invalid: spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": ${CIDR_MSG}`,
    cause: { field: "spec.egress[0].to[0].ipBlock.cidr", reason: "FieldValueInvalid" },
  },
  {
    name: "ipBlock except must lie inside cidr",
    path: api("networking.k8s.io/v1", "networkpolicies"),
    body: netpol("np2", {
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] } }] }],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'NetworkPolicy.networking.k8s.io "np2" is invalid: spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
  },
  {
    name: "IPv6 except outside an IPv6 cidr",
    path: api("networking.k8s.io/v1", "networkpolicies"),
    body: netpol("np3", { ingress: [{ from: [{ ipBlock: { cidr: "fd00::/8", except: ["fe80::/10"] } }] }] }),
    code: 422,
    reason: "Invalid",
    message:
      'NetworkPolicy.networking.k8s.io "np3" is invalid: spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "fe80::/10": must be a strict subset of `cidr`',
  },
  {
    name: "a peer must name something",
    path: api("networking.k8s.io/v1", "networkpolicies"),
    body: netpol("np4", { ingress: [{ from: [{}] }] }),
    code: 422,
    reason: "Invalid",
    message:
      'NetworkPolicy.networking.k8s.io "np4" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer',
    cause: { field: "spec.ingress[0].from[0]", reason: "FieldValueRequired" },
  },
  {
    name: "policyTypes are Ingress or Egress",
    path: api("networking.k8s.io/v1", "networkpolicies"),
    body: netpol("np5", { policyTypes: ["Both"] }),
    code: 422,
    reason: "Invalid",
    message:
      'NetworkPolicy.networking.k8s.io "np5" is invalid: spec.policyTypes[0]: Unsupported value: "Both": supported values: "Egress", "Ingress"',
    cause: { field: "spec.policyTypes[0]", reason: "FieldValueNotSupported" },
  },
  {
    name: "NetworkPolicy port protocol",
    path: api("networking.k8s.io/v1", "networkpolicies"),
    body: netpol("np6", { ingress: [{ ports: [{ protocol: "HTTP", port: 80 }] }] }),
    code: 422,
    reason: "Invalid",
    message:
      'NetworkPolicy.networking.k8s.io "np6" is invalid: spec.ingress[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  },
  // ---------------- Deployment + pod template ----------------
  {
    name: "container port names: unique IANA service names",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "ports",
      {},
      {
        containers: [
          container({
            ports: [
              { name: "http", containerPort: 80 },
              { name: "http", containerPort: 81 },
              { name: "web--admin", containerPort: 82 },
              { name: "8443", containerPort: 8443 },
            ],
          }),
        ],
      },
    ),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "ports" is invalid: [spec.template.spec.containers[0].ports[1].name: Duplicate value: "http", spec.template.spec.containers[0].ports[2].name: Invalid value: "web--admin": must not contain consecutive hyphens, spec.template.spec.containers[0].ports[3].name: Invalid value: "8443": must contain at least one letter (a-z)]',
    cause: { field: "spec.template.spec.containers[0].ports[1].name", reason: "FieldValueDuplicate" },
  },
  {
    name: "port names are at most 15 characters",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "longport",
      {},
      { containers: [container({ ports: [{ name: "metrics-endpoint", containerPort: 9090 }] })] },
    ),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "longport" is invalid: spec.template.spec.containers[0].ports[0].name: Invalid value: "metrics-endpoint": must be no more than 15 characters',
  },
  {
    name: "selector must match the template labels",
    path: api("apps/v1", "deployments"),
    body: deployment("mismatch", { selector: { matchLabels: { app: "other" } } }),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"mismatch"}: `selector` does not match template `labels`',
    cause: { field: "spec.template.metadata.labels", reason: "FieldValueInvalid" },
  },
  {
    name: "selector is required",
    path: api("apps/v1", "deployments"),
    body: deployment("nosel", { selector: undefined }),
    code: 422,
    reason: "Invalid",
    message: 'Deployment.apps "nosel" is invalid: spec.selector: Required value',
  },
  {
    name: "requests may not exceed limits",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "overreq",
      {},
      {
        containers: [container({ resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } })],
      },
    ),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "overreq" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  },
  {
    name: "quantities in a pod template are parsed strictly",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "badqty",
      {},
      { containers: [container({ resources: { limits: { memory: "10gi" } } })] },
    ),
    code: 400,
    reason: "BadRequest",
    message: `Deployment in version "v1" cannot be handled as a Deployment: ${QTY_MSG}`,
  },
  {
    name: "container resources must be standard or extended",
    path: api("apps/v1", "deployments"),
    body: deployment("gpuname", {}, { containers: [container({ resources: { limits: { gpu: "1" } } })] }),
    code: 422,
    reason: "Invalid",
    message:
      // requests are defaulted from limits before validation, so both maps are reported
      'Deployment.apps "gpuname" is invalid: [spec.template.spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers, spec.template.spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers]',
  },
  {
    name: "GPU requests equal limits",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "gpueq",
      {},
      {
        containers: [
          container({
            resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "2" } },
          }),
        ],
      },
    ),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "gpueq" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "1": must be equal to nvidia.com/gpu limit of 2',
  },
  {
    name: "GPUs are whole",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "halfgpu",
      {},
      { containers: [container({ resources: { limits: { "nvidia.com/gpu": "500m" } } })] },
    ),
    code: 422,
    reason: "Invalid",
    message:
      /^Deployment\.apps "halfgpu" is invalid: \[spec\.template\.spec\.containers\[0\]\.resources\.limits\[nvidia\.com\/gpu\]: Invalid value: resource\.Quantity\{.*\}: must be an integer, spec\.template\.spec\.containers\[0\]\.resources\.requests\[nvidia\.com\/gpu\]: Invalid value: resource\.Quantity\{.*\}: must be an integer\]$/,
  },
  {
    name: "template restartPolicy must be Always",
    path: api("apps/v1", "deployments"),
    body: deployment("never", {}, { restartPolicy: "Never" }),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "never" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    cause: { field: "spec.template.spec.restartPolicy", reason: "FieldValueNotSupported" },
  },
  {
    name: "volumeMounts name an existing volume",
    path: api("apps/v1", "deployments"),
    body: deployment(
      "nomount",
      {},
      { containers: [container({ volumeMounts: [{ name: "data", mountPath: "/data" }] })] },
    ),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "nomount" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"',
    cause: { field: "spec.template.spec.containers[0].volumeMounts[0].name", reason: "FieldValueNotFound" },
  },
  {
    name: "replicas are not negative",
    path: api("apps/v1", "deployments"),
    body: deployment("negative", { replicas: -1 }),
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "negative" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  },
  {
    name: "Recreate takes no rollingUpdate",
    path: api("apps/v1", "deployments"),
    body: deployment("recreate", { strategy: { type: "Recreate", rollingUpdate: { maxSurge: 1 } } }),
    code: 422,
    reason: "Invalid",
    message:
      "Deployment.apps \"recreate\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  },
  {
    name: "container names are DNS labels",
    path: api("apps/v1", "deployments"),
    body: deployment("cname", {}, { containers: [container({ name: "Web" })] }),
    code: 422,
    reason: "Invalid",
    message: `Deployment.apps "cname" is invalid: spec.template.spec.containers[0].name: Invalid value: "Web": ${LABEL_MSG}`,
  },
  {
    name: "a Deployment's selector is immutable",
    method: "PATCH",
    contentType: MERGE,
    path: api("apps/v1", "deployments", NS, "web"),
    body: {
      spec: {
        selector: { matchLabels: { app: "web", v: "2" } },
        template: { metadata: { labels: { app: "web", v: "2" } } },
      },
    },
    code: 422,
    reason: "Invalid",
    message:
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  },
  {
    name: "a Deployment that exists",
    path: api("apps/v1", "deployments"),
    body: deployment("web"),
    code: 409,
    reason: "AlreadyExists",
    message: 'deployments.apps "web" already exists',
  },
  {
    name: "an update with a stale resourceVersion",
    method: "PUT",
    path: api("apps/v1", "deployments", NS, "web"),
    body: { ...deployment("web"), metadata: { name: "web", resourceVersion: "1" } },
    code: 409,
    reason: "Conflict",
    message:
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
  },
  // ---------------- Pod ----------------
  {
    name: "a pod needs containers",
    path: api("", "pods"),
    body: { metadata: meta("empty"), spec: { containers: [] } },
    code: 422,
    reason: "Invalid",
    message: 'Pod "empty" is invalid: spec.containers: Required value',
    cause: { field: "spec.containers", reason: "FieldValueRequired" },
  },
  {
    name: "a pod's spec is immutable but for images",
    method: "PATCH",
    contentType: MERGE,
    path: api("", "pods", NS, "solo"),
    body: { spec: { restartPolicy: "Never" } },
    code: 422,
    reason: "Invalid",
    message:
      /^Pod "solo" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/,
    cause: { field: "spec", reason: "FieldValueForbidden" },
  },
  // ---------------- Service ----------------
  {
    name: "multi-port Services name their ports",
    path: api("", "services"),
    body: service("multi", { ports: [{ port: 80 }, { port: 443 }] }),
    code: 422,
    reason: "Invalid",
    message:
      'Service "multi" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
    cause: { field: "spec.ports[0].name", reason: "FieldValueRequired" },
  },
  {
    name: "port and protocol are unique",
    path: api("", "services"),
    body: service("dupport", {
      ports: [
        { name: "a", port: 80 },
        { name: "b", port: 80 },
      ],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'Service "dupport" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  },
  {
    name: "targetPort names are IANA service names",
    path: api("", "services"),
    body: service("tport", { ports: [{ port: 80, targetPort: "Http" }] }),
    code: 422,
    reason: "Invalid",
    message:
      'Service "tport" is invalid: spec.ports[0].targetPort: Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  },
  {
    name: "Service names are DNS-1035 labels",
    path: api("", "services"),
    body: service("1svc", { ports: [{ port: 80 }] }),
    code: 422,
    reason: "Invalid",
    message:
      "Service \"1svc\" is invalid: metadata.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  },
  {
    name: "nodePort on a ClusterIP Service",
    path: api("", "services"),
    body: service("np", { type: "ClusterIP", ports: [{ port: 80, nodePort: 30080 }] }),
    code: 422,
    reason: "Invalid",
    message:
      "Service \"np\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  },
  {
    name: "clusterIP is immutable",
    method: "PATCH",
    contentType: MERGE,
    path: api("", "services", NS, "svc"),
    body: { spec: { clusterIP: "10.96.200.200" } },
    code: 422,
    reason: "Invalid",
    message:
      'Service "svc" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.200.200"}: may not change once set',
  },
  // ---------------- Ingress / IngressClass ----------------
  {
    name: "Ingress needs rules or a default backend",
    path: api("networking.k8s.io/v1", "ingresses"),
    body: ingress("ing1", {}),
    code: 422,
    reason: "Invalid",
    message:
      'Ingress.networking.k8s.io "ing1" is invalid: spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
  },
  {
    name: "Ingress paths need a pathType",
    path: api("networking.k8s.io/v1", "ingresses"),
    body: ingress("ing2", {
      rules: [
        {
          host: "a.example.com",
          http: { paths: [{ path: "/", backend: { service: { name: "svc", port: { number: 80 } } } }] },
        },
      ],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'Ingress.networking.k8s.io "ing2" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
  },
  {
    name: "Prefix paths are absolute",
    path: api("networking.k8s.io/v1", "ingresses"),
    body: ingress("ing3", {
      rules: [
        {
          http: {
            paths: [
              {
                path: "api",
                pathType: "Prefix",
                backend: { service: { name: "svc", port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'Ingress.networking.k8s.io "ing3" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
  },
  {
    name: "Ingress backends name a port",
    path: api("networking.k8s.io/v1", "ingresses"),
    body: ingress("ing4", {
      rules: [
        {
          host: "b.example.com",
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "svc" } } }] },
        },
      ],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'Ingress.networking.k8s.io "ing4" is invalid: spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
  },
  {
    name: "Ingress hosts are DNS names, not IPs",
    path: api("networking.k8s.io/v1", "ingresses"),
    body: ingress("ing5", {
      defaultBackend: { service: { name: "svc", port: { number: 80 } } },
      rules: [{ host: "10.0.0.1" }],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'Ingress.networking.k8s.io "ing5" is invalid: spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
  },
  {
    name: "IngressClass controller is a domain-prefixed path",
    path: api("networking.k8s.io/v1", "ingressclasses", null),
    body: { metadata: meta("bad"), spec: { controller: "nginx" } },
    code: 422,
    reason: "Invalid",
    message:
      'IngressClass.networking.k8s.io "bad" is invalid: spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
  },
  {
    name: "IngressClass controller is immutable",
    method: "PATCH",
    contentType: MERGE,
    path: api("networking.k8s.io/v1", "ingressclasses", null, "nginx"),
    body: { spec: { controller: "example.com/other" } },
    code: 422,
    reason: "Invalid",
    message:
      'IngressClass.networking.k8s.io "nginx" is invalid: spec.controller: Invalid value: "example.com/other": field is immutable',
  },
  // ---------------- PersistentVolumeClaim / StorageClass ----------------
  {
    name: "PVC access modes and a positive storage request",
    path: api("", "persistentvolumeclaims"),
    body: pvc("pvc1", { resources: { requests: { storage: "0" } } }),
    code: 422,
    reason: "Invalid",
    message:
      'PersistentVolumeClaim "pvc1" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Invalid value: "0": must be greater than zero]',
    cause: { field: "spec.accessModes", reason: "FieldValueRequired" },
  },
  {
    name: "PVC access mode must be known",
    path: api("", "persistentvolumeclaims"),
    body: pvc("pvc2", { accessModes: ["ReadWriteAlways"], resources: { requests: { storage: "1Gi" } } }),
    code: 422,
    reason: "Invalid",
    message:
      'PersistentVolumeClaim "pvc2" is invalid: spec.accessModes: Unsupported value: "ReadWriteAlways": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
  },
  {
    name: "PVC storage class is immutable",
    method: "PATCH",
    contentType: MERGE,
    path: api("", "persistentvolumeclaims", NS, "data"),
    body: { spec: { storageClassName: "fast" } },
    code: 422,
    reason: "Invalid",
    message:
      /^PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/,
    cause: { field: "spec", reason: "FieldValueForbidden" },
  },
  {
    name: "PersistentVolume needs capacity, access modes and one volume source",
    path: api("", "persistentvolumes", null),
    body: { metadata: meta("pv1"), spec: {} },
    code: 422,
    reason: "Invalid",
    message:
      'PersistentVolume "pv1" is invalid: [spec.accessModes: Required value, spec.capacity: Required value, spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage", spec: Required value: must specify a volume type]',
    cause: { field: "spec.accessModes", reason: "FieldValueRequired" },
  },
  {
    name: "PersistentVolume local source needs node affinity",
    path: api("", "persistentvolumes", null),
    body: {
      metadata: meta("pv2"),
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], local: { path: "/mnt/disk" } },
    },
    code: 422,
    reason: "Invalid",
    message:
      'PersistentVolume "pv2" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity',
  },
  {
    name: "StorageClass needs a provisioner",
    path: api("storage.k8s.io/v1", "storageclasses", null),
    body: { metadata: meta("noprov") },
    code: 422,
    reason: "Invalid",
    message: 'StorageClass.storage.k8s.io "noprov" is invalid: provisioner: Required value',
  },
  {
    name: "StorageClass reclaimPolicy",
    path: api("storage.k8s.io/v1", "storageclasses", null),
    body: { metadata: meta("recycle"), provisioner: "example.com/disk", reclaimPolicy: "Recycle" },
    code: 422,
    reason: "Invalid",
    message:
      'StorageClass.storage.k8s.io "recycle" is invalid: reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
  },
  {
    name: "StorageClass parameters cannot be updated",
    method: "PATCH",
    contentType: MERGE,
    path: api("storage.k8s.io/v1", "storageclasses", null, "hdd"),
    body: { parameters: { type: "ssd" } },
    code: 422,
    reason: "Invalid",
    message:
      'StorageClass.storage.k8s.io "hdd" is invalid: parameters: Forbidden: updates to parameters are forbidden.',
  },
  // ---------------- Secret / ConfigMap ----------------
  {
    name: "Secret keys are config keys",
    path: api("", "secrets"),
    body: { metadata: meta("s1"), data: { "bad key": "eA==" } },
    code: 422,
    reason: "Invalid",
    message:
      "Secret \"s1\" is invalid: data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  },
  {
    name: "Secret data is base64 (decode error)",
    path: api("", "secrets"),
    body: { apiVersion: "v1", kind: "Secret", metadata: meta("s2"), data: { token: "not-base64!" } },
    code: 400,
    reason: "BadRequest",
    message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
  },
  {
    name: "Secret data is at most 1 MiB",
    path: api("", "secrets"),
    body: { metadata: meta("s3"), data: { blob: Buffer.alloc(1024 * 1024 + 1).toString("base64") } },
    code: 422,
    reason: "Invalid",
    message: 'Secret "s3" is invalid: data: Too long: may not be more than 1048576 bytes',
    cause: { field: "data", reason: "FieldValueTooLong" },
  },
  {
    name: "service-account-token Secrets name their ServiceAccount",
    path: api("", "secrets"),
    body: { metadata: meta("s4"), type: "kubernetes.io/service-account-token" },
    code: 422,
    reason: "Invalid",
    message:
      'Secret "s4" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value',
  },
  {
    name: "ConfigMap keys are config keys",
    path: api("", "configmaps"),
    body: { metadata: meta("cm1"), data: { "a/b": "x" } },
    code: 422,
    reason: "Invalid",
    message:
      /^ConfigMap "cm1" is invalid: data\[a\/b\]: Invalid value: "a\/b": a valid config key must consist of/,
  },
  {
    name: "an immutable ConfigMap keeps its data",
    method: "PATCH",
    contentType: MERGE,
    path: api("", "configmaps", NS, "frozen"),
    body: { data: { a: "2" } },
    code: 422,
    reason: "Invalid",
    message: 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
  },
  // ---------------- HorizontalPodAutoscaler ----------------
  {
    name: "HPA maxReplicas ≥ minReplicas",
    path: api("autoscaling/v2", "horizontalpodautoscalers"),
    body: hpa("h1", { minReplicas: 5, maxReplicas: 2 }),
    code: 422,
    reason: "Invalid",
    message:
      'HorizontalPodAutoscaler.autoscaling "h1" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
  },
  {
    name: "HPA minReplicas ≥ 1 and a target name",
    path: api("autoscaling/v2", "horizontalpodautoscalers"),
    body: hpa("h2", { minReplicas: 0, scaleTargetRef: { kind: "Deployment" } }),
    code: 422,
    reason: "Invalid",
    message:
      'HorizontalPodAutoscaler.autoscaling "h2" is invalid: [spec.minReplicas: Invalid value: 0: must be greater than or equal to 1, spec.scaleTargetRef.name: Required value]',
  },
  {
    name: "HPA utilization target > 0",
    path: api("autoscaling/v2", "horizontalpodautoscalers"),
    body: hpa("h3", {
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } },
        },
      ],
    }),
    code: 422,
    reason: "Invalid",
    message:
      'HorizontalPodAutoscaler.autoscaling "h3" is invalid: spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
  },
  // ---------------- RBAC ----------------
  {
    name: "rules need verbs",
    path: api("rbac.authorization.k8s.io/v1", "roles"),
    body: { metadata: meta("r1"), rules: [{ apiGroups: [""], resources: ["pods"], verbs: [] }] },
    code: 422,
    reason: "Invalid",
    message:
      'Role.rbac.authorization.k8s.io "r1" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    cause: { field: "rules[0].verbs", reason: "FieldValueRequired" },
  },
  {
    name: "resource rules need apiGroups and resources",
    path: api("rbac.authorization.k8s.io/v1", "roles"),
    body: { metadata: meta("r2"), rules: [{ verbs: ["get"] }] },
    code: 422,
    reason: "Invalid",
    message:
      'Role.rbac.authorization.k8s.io "r2" is invalid: [rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource]',
  },
  {
    name: "nonResourceURLs and resources do not mix",
    path: api("rbac.authorization.k8s.io/v1", "clusterroles", null),
    body: {
      metadata: meta("cr1"),
      rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"], resources: ["pods"] }],
    },
    code: 422,
    reason: "Invalid",
    message:
      'ClusterRole.rbac.authorization.k8s.io "cr1" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
  },
  {
    name: "RBAC names are path segments",
    path: api("rbac.authorization.k8s.io/v1", "clusterroles", null),
    body: { metadata: meta("a/b"), rules: [] },
    code: 422,
    reason: "Invalid",
    message:
      'ClusterRole.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain \'/\'',
  },
  {
    name: "roleRef kind is Role or ClusterRole",
    path: api("rbac.authorization.k8s.io/v1", "rolebindings"),
    body: {
      metadata: meta("rb1"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "x" },
      subjects: [{ kind: "ServiceAccount", name: "default" }],
    },
    code: 422,
    reason: "Invalid",
    message:
      'RoleBinding.rbac.authorization.k8s.io "rb1" is invalid: roleRef.kind: Unsupported value: "User": supported values: "Role", "ClusterRole"',
  },
  {
    name: "ClusterRoleBinding ServiceAccount subjects need a namespace",
    path: api("rbac.authorization.k8s.io/v1", "clusterrolebindings", null),
    body: {
      metadata: meta("crb1"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "ServiceAccount", name: "kubebid" }],
    },
    code: 422,
    reason: "Invalid",
    message:
      'ClusterRoleBinding.rbac.authorization.k8s.io "crb1" is invalid: subjects[0].namespace: Required value',
  },
  {
    name: "roleRef is immutable",
    method: "PATCH",
    contentType: MERGE,
    path: api("rbac.authorization.k8s.io/v1", "rolebindings", NS, "bound"),
    body: { roleRef: { name: "admin" } },
    code: 422,
    reason: "Invalid",
    message:
      'RoleBinding.rbac.authorization.k8s.io "bound" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef',
  },
  // ---------------- requests ----------------
  {
    name: "fieldValidation=Strict refuses unknown fields",
    path: `${api("apps/v1", "deployments")}?fieldValidation=Strict`,
    body: (() => {
      const d = deployment("strict") as { spec: Record<string, unknown> };
      d.spec.replicaCount = 2;
      return d;
    })(),
    code: 400,
    reason: "BadRequest",
    message:
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaCount"',
  },
  {
    name: "fieldValidation=Strict refuses duplicate fields",
    path: `${api("", "configmaps")}?fieldValidation=Strict`,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"data":{"a":"1"}}',
    code: 400,
    reason: "BadRequest",
    message:
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name"',
  },
  {
    name: "strict decoding reports duplicate and unknown fields in document order",
    path: `${api("apps/v1", "deployments")}?fieldValidation=Strict`,
    body: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dupes","name":"dupes","unknownMeta":"x"},"spec":{"unknown1":"v","paused":true,"paused":false,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"nginx","unknownNested":"x","imagePullPolicy":"Always","imagePullPolicy":"Never"}]}}}}',
    code: 400,
    reason: "BadRequest",
    // the shape of test/integration/apiserver/field_validation_test.go's post-strict-validation case
    message:
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", unknown field "spec.unknown1", duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].unknownNested", duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  },
  {
    name: "fieldValidation takes three values",
    path: `${api("", "configmaps")}?fieldValidation=Loud`,
    body: { metadata: meta("loud") },
    code: 422,
    reason: "Invalid",
    message:
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
    cause: { field: "fieldValidation", reason: "FieldValueNotSupported" },
  },
  {
    name: "server-side apply needs kind",
    method: "PATCH",
    contentType: APPLY,
    path: `${api("", "configmaps", NS, "ssa")}?fieldManager=t`,
    body: JSON.stringify({ apiVersion: "v1", metadata: { name: "ssa" } }),
    code: 400,
    reason: "BadRequest",
    message: "invalid object type: /v1, Kind=",
  },
  {
    name: "server-side apply needs apiVersion",
    method: "PATCH",
    contentType: APPLY,
    path: `${api("apps/v1", "deployments", NS, "ssa")}?fieldManager=t`,
    body: JSON.stringify({ kind: "Deployment", metadata: { name: "ssa" } }),
    code: 400,
    reason: "BadRequest",
    message: "invalid object type: /, Kind=Deployment",
  },
  {
    name: "server-side apply that creates needs create, not only patch",
    method: "PATCH",
    contentType: APPLY,
    path: `${api("", "configmaps", NS, "nocreate")}?fieldManager=t`,
    body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "nocreate" } }),
    rules: [{ verbs: ["get", "patch"], apiGroups: [""], resources: ["configmaps"] }],
    code: 403,
    reason: "Forbidden",
    message:
      // withAuthorization's NewForbidden with the RBAC authorizer's (empty) reason
      'configmaps "nocreate" is forbidden: ',
  },
];

async function send(method: string, path: string, body?: unknown, contentType?: string) {
  const r = await raw(c, sim.caPem, method, path, { body, contentType });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r;
}

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [{ name: "fid", nodes: [{ name: "n1", cpu: "8", memory: "32Gi" }] }],
    podStartDelayMs: 50,
    tickMs: 20,
  });
  c = sim.cluster("fid");
  // The objects the update rows change.
  await send("POST", "/api/v1/namespaces", { metadata: { name: NS } });
  await send("POST", api("apps/v1", "deployments"), deployment("web"));
  await send("POST", api("", "pods"), { metadata: meta("solo"), spec: { containers: [container()] } });
  await send("POST", api("", "services"), service("svc", { ports: [{ port: 80 }] }));
  // IngressClass "nginx" (controller k8s.io/ingress-nginx) comes with every simulated cluster (ingress-nginx.ts).
  await send(
    "POST",
    api("", "persistentvolumeclaims"),
    pvc("data", {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "standard",
      resources: { requests: { storage: "1Gi" } },
    }),
  );
  // Every simulated cluster already has `standard` and `fast-ssd` (storage-classes.ts).
  await send("POST", api("storage.k8s.io/v1", "storageclasses", null), {
    metadata: meta("hdd"),
    provisioner: "rancher.io/local-path",
    parameters: { type: "hdd" },
  });
  await send("POST", api("", "configmaps"), { metadata: meta("frozen"), data: { a: "1" }, immutable: true });
  await send("POST", api("rbac.authorization.k8s.io/v1", "rolebindings"), {
    metadata: meta("bound"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [{ kind: "ServiceAccount", name: "default", namespace: NS }],
  });
});
afterAll(async () => {
  await sim.stop();
});

describe("the simulator refuses what kube-apiserver refuses, in its words", () => {
  it("has at least 40 rows", () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });
  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_n, row) => {
    const token = row.rules ? c.issueToken({ rules: row.rules }) : undefined;
    const r = await raw(c, sim.caPem, row.method ?? "POST", row.path, {
      body: row.body,
      contentType: row.contentType,
      token,
    });
    expect(r.status, r.text).toBe(row.code);
    expect(r.json?.kind).toBe("Status");
    expect(r.json?.code).toBe(row.code);
    expect(r.json?.reason).toBe(row.reason);
    if (typeof row.message === "string") expect(r.json?.message).toBe(row.message);
    else expect(r.json?.message).toMatch(row.message);
    if (row.cause) expect(r.json?.details?.causes?.[0]).toMatchObject(row.cause);
    // nothing half-written
    if (row.method === undefined || row.method === "POST") {
      const name = (row.body as { metadata?: { name?: string } })?.metadata?.name;
      if (name && row.reason !== "AlreadyExists" && typeof row.body === "object") {
        const got = await raw(c, sim.caPem, "GET", `${row.path.split("?")[0]}/${encodeURIComponent(name)}`);
        expect(got.status).not.toBe(200);
      }
    }
  });
});

describe("fieldValidation Warn and Ignore", () => {
  const body = () => {
    const d = deployment("") as { metadata: { name: string }; spec: Record<string, unknown> };
    d.spec.replicaCount = 2;
    return d;
  };
  it("warns by default and drops the unknown field", async () => {
    const b = body();
    b.metadata.name = "warned";
    (b.spec.selector as { matchLabels: Record<string, string> }).matchLabels = { app: "warned" };
    (b.spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels = { app: "warned" };
    const r = await raw(c, sim.caPem, "POST", api("apps/v1", "deployments"), { body: b });
    expect(r.status).toBe(201);
    expect(r.headers.warning).toBe('299 - "unknown field \\"spec.replicaCount\\""');
    expect(r.json.spec.replicaCount).toBeUndefined();
  });
  it("says nothing under Ignore", async () => {
    const b = body();
    b.metadata.name = "ignored";
    (b.spec.selector as { matchLabels: Record<string, string> }).matchLabels = { app: "ignored" };
    (b.spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels = {
      app: "ignored",
    };
    const r = await raw(c, sim.caPem, "POST", `${api("apps/v1", "deployments")}?fieldValidation=Ignore`, {
      body: b,
    });
    expect(r.status).toBe(201);
    expect(r.headers.warning).toBeUndefined();
  });
});

describe("what KubeBid itself sends is valid, strictly decoded", () => {
  const tenant = "0x1111111111111111111111111111111111111111";
  const variants: [string, ManifestInput][] = [
    ["plain", { name: "web", image: "nginx:1.27", resources: { cpu: 500, memory: 256 } }],
    [
      "ports, env, command",
      {
        name: "api",
        image: "ghcr.io/acme/api:1.0",
        command: ["/bin/api"],
        args: ["--port", "8080"],
        env: [{ name: "MODE", value: "prod" }],
        ports: [{ port: 8080, name: "http" }, { port: 9090 }, { port: 53, protocol: "UDP" }],
        resources: { cpu: 250, memory: 128, storage: 0 },
        replicas: 3,
      },
    ],
    [
      "GPU",
      {
        name: "llm",
        image: "vllm/vllm-openai:v0.6.0",
        ports: [{ port: 8000 }],
        resources: { cpu: 4000, memory: 16384, gpu: { count: 1, model: "NVIDIA-L4" } },
      },
    ],
    [
      "v2: HTTP through an Ingress, a volume, a secret, a NodePort, checks, an HPA",
      {
        version: 2,
        name: "shop",
        services: [
          {
            name: "web",
            image: "nginx:1.27",
            ports: [{ name: "http", port: 80, expose: "http" }],
            resources: { cpu: 200, memory: 128 },
            readiness: { http: { path: "/", port: "http" } },
          },
          {
            name: "db",
            image: "postgres:16",
            env: [{ name: "POSTGRES_PASSWORD", secret: "pw" }],
            ports: [{ port: 5432, expose: "tcp" }],
            resources: { cpu: 200, memory: 256 },
            volumes: [
              { name: "data", mount: "/var/lib/postgresql/data", size: 64, storageClass: "standard" },
            ],
            liveness: { tcp: { port: 5432 } },
          },
          {
            name: "api",
            image: "nginx:1.27",
            ports: [{ port: 8080 }],
            resources: { cpu: 100, memory: 64 },
            autoscale: { min: 1, max: 2, cpuPercent: 70 },
          },
        ],
        secrets: [{ name: "pw", digest: secretDigest(`0x${"11".repeat(32)}`, "x") }],
      },
    ],
  ];
  it.each(variants)("lease objects: %s", async (_n, input) => {
    const { manifest, specHash } = canonicalizeManifest(input);
    const { objects } = buildLeaseObjects({
      leaseId: `v${variants.findIndex((v) => v[1] === input)}`,
      tenant,
      specHash,
      manifest,
      exposure: {
        ingressClass: "nginx",
        ingressNamespace: "ingress-nginx",
        baseDomain: "apps.fidelity.localhost",
        tls: null,
        ports: "nodeport",
      },
      secretValues: { pw: "x" },
    });
    for (const o of objects) {
      const def = RESOURCES.find((d) => d.kind === o.kind && apiVersionOf(d) === o.apiVersion && !d.virtual)!;
      const path = `${def.group ? `/apis/${def.group}/${def.version}` : "/api/v1"}${def.namespaced ? `/namespaces/${o.metadata.namespace}` : ""}/${def.name}?fieldValidation=Strict`;
      const r = await raw(c, sim.caPem, "POST", path, { body: o });
      expect(r.status, `${o.kind} ${o.metadata.name}: ${r.text}`).toBe(201);
      // Strict decoding has nothing to warn about. The only warnings allowed are Pod Security's
      // `restricted` warnings on the workload: lease namespaces enforce baseline and warn at
      // restricted by design (the allowed capabilities and root images violate restricted).
      const warnings = String(r.headers.warning ?? "");
      expect(warnings).not.toMatch(/unknown field|duplicate field/);
      if (warnings) {
        expect(["Deployment", "ReplicaSet", "Pod"]).toContain(o.kind);
        expect(warnings).toMatch(/^299 - "would violate PodSecurity \\"restricted:latest\\"/);
      }
    }
  });
  it("refuses port names kube-apiserver would refuse, before anything is paid", () => {
    const base = { name: "w", image: "nginx:1.27", resources: { cpu: 100, memory: 64 } };
    expect(() => canonicalizeManifest({ ...base, ports: [{ port: 80, name: "web--x" }] })).toThrow(
      /consecutive hyphens/,
    );
    expect(() =>
      canonicalizeManifest({
        ...base,
        ports: [
          { port: 80, name: "http" },
          { port: 81, name: "http" },
        ],
      }),
    ).toThrow(/port names must be unique/);
  });
  it("an unnamed port does not take a name another port has (Service port names are unique)", async () => {
    const { manifest, specHash } = canonicalizeManifest({
      name: "dns",
      image: "coredns/coredns:1.11.1",
      resources: { cpu: 100, memory: 64 },
      ports: [
        { port: 80, name: "udp-53" },
        { port: 53, protocol: "UDP" },
      ],
    });
    const { objects } = buildLeaseObjects({ leaseId: "names", tenant, specHash, manifest });
    for (const o of objects) {
      const def = RESOURCES.find((d) => d.kind === o.kind && apiVersionOf(d) === o.apiVersion && !d.virtual)!;
      const path = `${def.group ? `/apis/${def.group}/${def.version}` : "/api/v1"}${def.namespaced ? `/namespaces/${o.metadata.namespace}` : ""}/${def.name}`;
      const r = await raw(c, sim.caPem, "POST", path, { body: o });
      expect(r.status, `${o.kind} ${o.metadata.name}: ${r.text}`).toBe(201);
    }
  });
  it("the RBAC manifest the wizard generates", async () => {
    for (const doc of parseAllDocuments(generateRbacManifest().yaml)) {
      const o = doc.toJS() as {
        apiVersion: string;
        kind: string;
        metadata: { name: string; namespace?: string };
      };
      const def = RESOURCES.find((d) => d.kind === o.kind && apiVersionOf(d) === o.apiVersion && !d.virtual)!;
      const path = `${def.group ? `/apis/${def.group}/${def.version}` : "/api/v1"}${def.namespaced ? `/namespaces/${o.metadata.namespace}` : ""}/${def.name}?fieldValidation=Strict`;
      const r = await raw(c, sim.caPem, "POST", path, { body: o });
      expect(r.status, `${o.kind} ${o.metadata.name}: ${r.text}`).toBe(201);
    }
  });
});

describe("server-side apply with patch but not create", () => {
  it("updates an object that exists", async () => {
    await raw(c, sim.caPem, "POST", api("", "configmaps"), {
      body: { metadata: meta("applied"), data: { a: "1" } },
    });
    const token = c.issueToken({
      rules: [{ verbs: ["get", "patch"], apiGroups: [""], resources: ["configmaps"] }],
    });
    const r = await raw(c, sim.caPem, "PATCH", `${api("", "configmaps", NS, "applied")}?fieldManager=t`, {
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "applied" },
        data: { a: "2" },
      }),
      contentType: APPLY,
      token,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.data).toEqual({ a: "2" });
  });
});
