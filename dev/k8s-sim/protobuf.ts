// Request bodies in the Kubernetes protobuf encoding (`Content-Type: application/vnd.kubernetes.protobuf`).
//
// Why: client-go's typed clientset defaults to protobuf (kubernetes/kubernetes PR #125314 "Use protobuf for
// core clients"); kubectl 1.32 and 1.33 (1.31 and older still send JSON) POST `kubectl create namespace`,
// `kubectl create deployment`, `kubectl auth can-i` and `kubectl auth whoami` bodies as protobuf. There is
// no fallback: client-go retries with JSON after a 415 only for CBOR (KEP-4222, PR #128497,
// `requestClientContentConfigProvider` in client-go/rest/client.go), so the simulator must decode them.
// Responses stay JSON: client-go picks the decoder from the response's Content-Type
// (client-go/rest/request.go `transformResponse`: `r.c.content.Negotiator.Decoder(mediaType, params)`),
// and kubectl's Accept is `application/vnd.kubernetes.protobuf,application/json`.
//
// Envelope (k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go): the 4 bytes `k8s\0`, then a
// runtime.Unknown {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}; `raw` is the object's
// own message (without TypeMeta).
//
// Schemas: no npm package ships Kubernetes' `generated.proto` files (the registry's search endpoint is not
// reachable from here and no candidate name exists), so the messages below are a hand-written subset of the
// wire contract: the kinds client-go's typed clients send for the kubectl verbs we support, with field
// numbers from k8s.io/api {core,apps,authorization,authentication}/v1/generated.proto and
// k8s.io/apimachinery pkg/{apis/meta/v1,runtime,util/intstr,api/resource}/generated.proto. protobufjs does
// the wire decoding. A body using a field outside the subset is refused with 415 naming the kind, rather
// than half-read (protobufjs would silently skip it).
import protobuf from "protobufjs";
import { ApiError } from "./errors";
import type { Obj } from "./util";

export const PROTOBUF_CT = "application/vnd.kubernetes.protobuf";
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const SCHEMA = `
syntax = "proto2";

message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }

message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message Quantity { optional string string = 1; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message FieldsV1 { optional bytes Raw = 1; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3;
  optional string selfLink = 4; optional string uid = 5; optional string resourceVersion = 6;
  optional int64 generation = 7; optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10; map<string, string> labels = 11;
  map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14; repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5;
  optional bool controller = 6; optional bool blockOwnerDeletion = 7;
}
message ManagedFieldsEntry {
  optional string manager = 1; optional string operation = 2; optional string apiVersion = 3;
  optional Time time = 4; optional string fieldsType = 6; optional FieldsV1 fieldsV1 = 7; optional string subresource = 8;
}
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message FieldSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }

message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional bytes status = 3; }
message NamespaceSpec { repeated string finalizers = 1; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message Secret {
  optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3;
  map<string, string> stringData = 4; optional bool immutable = 5;
}

message ServiceAccount {
  optional ObjectMeta metadata = 1; repeated ObjectReference secrets = 2; repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4;
}
message ObjectReference {
  optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4;
  optional string apiVersion = 5; optional string resourceVersion = 6; optional string fieldPath = 7;
}
message LocalObjectReference { optional string name = 1; }
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional bytes status = 3; }
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4;
  repeated string externalIPs = 5; optional string sessionAffinity = 7; optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9; optional string externalName = 10; optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12; optional bool publishNotReadyAddresses = 13; optional string ipFamilyPolicy = 17;
  repeated string clusterIPs = 18; repeated string ipFamilies = 19; optional bool allocateLoadBalancerNodePorts = 20;
  optional string loadBalancerClass = 21; optional string internalTrafficPolicy = 22; optional string trafficDistribution = 23;
}
message ServicePort {
  optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4;
  optional int32 nodePort = 5; optional string appProtocol = 6;
}
message TokenRequest { optional ObjectMeta metadata = 1; optional TokenRequestSpec spec = 2; optional bytes status = 3; }
message TokenRequestSpec { repeated string audiences = 1; optional BoundObjectReference boundObjectRef = 3; optional int64 expirationSeconds = 4; }
message BoundObjectReference { optional string kind = 1; optional string apiVersion = 2; optional string name = 3; optional string uID = 4; }
message Role { optional ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message ClusterRole { optional ObjectMeta metadata = 1; repeated PolicyRule rules = 2; optional AggregationRule aggregationRule = 3; }
message PolicyRule {
  repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4;
  repeated string nonResourceURLs = 5;
}
message AggregationRule { repeated LabelSelector clusterRoleSelectors = 1; }
message RoleBinding { optional ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message ClusterRoleBinding { optional ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message Subject { optional string kind = 1; optional string apiGroup = 2; optional string name = 3; optional string namespace = 4; }
message RoleRef { optional string apiGroup = 1; optional string kind = 2; optional string name = 3; }

message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message PodSpec {
  repeated Container containers = 2; optional string restartPolicy = 3; optional int64 terminationGracePeriodSeconds = 4;
  optional int64 activeDeadlineSeconds = 5; optional string dnsPolicy = 6; map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8; optional string serviceAccount = 9; optional string nodeName = 10;
  optional bool hostNetwork = 11; optional bool hostPID = 12; optional bool hostIPC = 13; optional string hostname = 16;
  optional string subdomain = 17; optional string schedulerName = 19; repeated Container initContainers = 20;
  optional bool automountServiceAccountToken = 21; repeated Toleration tolerations = 22; optional string priorityClassName = 24;
  optional int32 priority = 25; optional bool shareProcessNamespace = 27; optional string runtimeClassName = 29;
  optional bool enableServiceLinks = 30; optional string preemptionPolicy = 31; optional bool setHostnameAsFQDN = 35;
  optional bool hostUsers = 37;
}
message Toleration { optional string key = 1; optional string operator = 2; optional string value = 3; optional string effect = 4; optional int64 tolerationSeconds = 5; }
message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4;
  optional string workingDir = 5; repeated ContainerPort ports = 6; repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8; optional string terminationMessagePath = 13;
  optional string imagePullPolicy = 14; optional bool stdin = 16; optional bool stdinOnce = 17; optional bool tty = 18;
  optional string terminationMessagePolicy = 20; optional string restartPolicy = 24;
}
message ContainerPort {
  optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4;
  optional string hostIP = 5;
}
message EnvVar { optional string name = 1; optional string value = 2; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }

message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional bytes status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4; optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6;
  optional bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }

message SelfSubjectAccessReview { optional ObjectMeta metadata = 1; optional SelfSubjectAccessReviewSpec spec = 2; optional bytes status = 3; }
message SelfSubjectAccessReviewSpec { optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2; }
message ResourceAttributes {
  optional string namespace = 1; optional string verb = 2; optional string group = 3; optional string version = 4;
  optional string resource = 5; optional string subresource = 6; optional string name = 7;
  optional FieldSelectorAttributes fieldSelector = 8; optional LabelSelectorAttributes labelSelector = 9;
}
message FieldSelectorAttributes { optional string rawSelector = 1; repeated FieldSelectorRequirement requirements = 2; }
message LabelSelectorAttributes { optional string rawSelector = 1; repeated LabelSelectorRequirement requirements = 2; }
message NonResourceAttributes { optional string path = 1; optional string verb = 2; }
message SelfSubjectRulesReview { optional ObjectMeta metadata = 1; optional SelfSubjectRulesReviewSpec spec = 2; optional bytes status = 3; }
message SelfSubjectRulesReviewSpec { optional string namespace = 1; }
message SelfSubjectReview { optional ObjectMeta metadata = 1; optional bytes status = 2; }
`;

// apiVersion/kind (the envelope's TypeMeta) → message
const KINDS: Record<string, string> = {
  "v1/Namespace": "Namespace",
  "v1/ConfigMap": "ConfigMap",
  "v1/Secret": "Secret",
  "v1/ServiceAccount": "ServiceAccount",
  "v1/Service": "Service",
  "authentication.k8s.io/v1/TokenRequest": "TokenRequest",
  "rbac.authorization.k8s.io/v1/Role": "Role",
  "rbac.authorization.k8s.io/v1/ClusterRole": "ClusterRole",
  "rbac.authorization.k8s.io/v1/RoleBinding": "RoleBinding",
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": "ClusterRoleBinding",
  "apps/v1/Deployment": "Deployment",
  "authorization.k8s.io/v1/SelfSubjectAccessReview": "SelfSubjectAccessReview",
  "authorization.k8s.io/v1/SelfSubjectRulesReview": "SelfSubjectRulesReview",
  "authentication.k8s.io/v1/SelfSubjectReview": "SelfSubjectReview",
  "authentication.k8s.io/v1beta1/SelfSubjectReview": "SelfSubjectReview",
};

// Go pointer fields: gogo writes them only when set, so a zero value on the wire is meaningful and kept
// (every other zero/empty scalar is a Go non-pointer field written unconditionally; JSON's `omitempty`
// would drop it, and so do we).
const KEEP_ZERO = new Set([
  "DeploymentSpec.replicas",
  "DeploymentSpec.revisionHistoryLimit",
  "DeploymentSpec.progressDeadlineSeconds",
  "PodSpec.terminationGracePeriodSeconds",
  "PodSpec.activeDeadlineSeconds",
  "PodSpec.priority",
  "Toleration.tolerationSeconds",
  "PodSpec.automountServiceAccountToken",
  "PodSpec.enableServiceLinks",
  "PodSpec.setHostnameAsFQDN",
  "PodSpec.shareProcessNamespace",
  "PodSpec.hostUsers",
  "ObjectMeta.deletionGracePeriodSeconds",
  "OwnerReference.controller",
  "OwnerReference.blockOwnerDeletion",
  "ConfigMap.immutable",
  "Secret.immutable",
  "ContainerPort.containerPort",
  "ServicePort.port",
  "ServiceAccount.automountServiceAccountToken",
  "ServiceSpec.allocateLoadBalancerNodePorts",
  "TokenRequestSpec.expirationSeconds",
]);
// proto field names are the JSON names except these
const JSON_NAME: Record<string, string> = { "BoundObjectReference.uID": "uid" };
// `status` of the kinds above: the server resets it on create/update, so it is never decoded
const IGNORED = new Set(["status"]);

let root: protobuf.Root | undefined;
function schema(): protobuf.Root {
  if (!root) {
    root = protobuf.parse(SCHEMA, { keepCase: true }).root;
    root.resolveAll();
  }
  return root;
}

export function isProtobuf(contentType: string): boolean {
  return contentType.split(";")[0]!.trim().toLowerCase() === PROTOBUF_CT;
}

const unsupported = (what: string) =>
  new ApiError(
    415,
    "UnsupportedMediaType",
    `${what} is not supported by the simulator in ${PROTOBUF_CT}; send it as application/json`,
  );
const bad = (why: string) =>
  new ApiError(400, "BadRequest", `the body of the request could not be decoded: ${why}`);

// int64 fields decode to Long objects (protobufjs uses the `long` package when present)
const num = (v: unknown): number =>
  v && typeof v === "object" && "toNumber" in v ? (v as { toNumber(): number }).toNumber() : Number(v ?? 0);

function timeToJson(m: Obj): string | undefined {
  const s = num(m.seconds);
  const n = num(m.nanos);
  // metav1.Time's zero value (Go's 0001-01-01) travels as an empty message; JSON writes null → omitted
  if (s === 0 && n === 0) return undefined;
  if (s < -62135596800) return undefined;
  return new Date(s * 1000 + Math.floor(n / 1e6)).toISOString().replace(/\.\d+Z$/, "Z");
}

function valueToJson(field: protobuf.Field, v: unknown): unknown {
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) {
    const m = v as Obj;
    switch (t.name) {
      case "Time":
        return timeToJson(m);
      case "Quantity":
        return m.string || undefined;
      case "IntOrString":
        return num(m.type) === 1 ? (m.strVal ?? "") : num(m.intVal);
      case "FieldsV1":
        return m.Raw?.length ? JSON.parse(Buffer.from(m.Raw).toString("utf8")) : undefined;
      default:
        return messageToJson(t, m);
    }
  }
  if (field.type === "bytes") return Buffer.from(v as Uint8Array).toString("base64");
  if (field.type === "int64" || field.type === "uint64") return num(v);
  return v;
}

function messageToJson(t: protobuf.Type, m: Obj): Obj | undefined {
  const out: Obj = {};
  for (const f of t.fieldsArray) {
    if (!Object.hasOwn(m, f.name) || IGNORED.has(f.name)) continue;
    const raw = m[f.name];
    let v: unknown;
    if (f instanceof protobuf.MapField) {
      const o: Obj = {};
      for (const [k, x] of Object.entries(raw as Obj)) {
        const j = valueToJson(f, x);
        o[k] = j === undefined ? "" : j;
      }
      v = Object.keys(o).length ? o : undefined;
    } else if (f.repeated) {
      const a = (raw as unknown[]).map((x) => valueToJson(f, x) ?? {});
      v = a.length ? a : undefined;
    } else v = valueToJson(f, raw);
    const keepZero = KEEP_ZERO.has(`${t.name}.${f.name}`);
    if (v === undefined || v === "" || (!keepZero && (v === 0 || v === false))) continue;
    out[JSON_NAME[`${t.name}.${f.name}`] ?? f.name] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Paths of the wire fields of `buf` that the subset does not declare, e.g. `spec.template.spec#14`. */
function unknownFields(t: protobuf.Type, buf: Uint8Array, path: string): string[] {
  const out: string[] = [];
  const r = protobuf.Reader.create(buf);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    const f = t.fieldsById[id];
    if (!f) {
      out.push(`${path}#${id}`);
      r.skipType(wire);
      continue;
    }
    if (wire !== 2) {
      r.skipType(wire);
      continue;
    }
    const bytes = r.bytes();
    const sub = f.resolvedType;
    if (f instanceof protobuf.MapField) {
      // a map entry is a message {1: key, 2: value}
      if (sub instanceof protobuf.Type) {
        const e = protobuf.Reader.create(bytes);
        while (e.pos < e.len) {
          const et = e.uint32();
          if (et >>> 3 === 2 && (et & 7) === 2)
            out.push(...unknownFields(sub, e.bytes(), `${path}.${f.name}[]`));
          else e.skipType(et & 7);
        }
      }
    } else if (sub instanceof protobuf.Type) out.push(...unknownFields(sub, bytes, `${path}.${f.name}`));
  }
  return out;
}

/** Decodes a `k8s\0`-framed runtime.Unknown into the JSON object it stands for. */
export function decodeProtobufBody(buf: Buffer): Obj {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC))
    throw bad(`the ${PROTOBUF_CT} body does not start with the k8s\\0 prefix`);
  const root = schema();
  const Unknown = root.lookupType("Unknown");
  let env: Obj;
  try {
    env = Unknown.toObject(Unknown.decode(buf.subarray(4)), { longs: Number }) as Obj;
  } catch (e) {
    throw bad((e as Error).message);
  }
  const apiVersion: string = env.typeMeta?.apiVersion ?? "";
  const kind: string = env.typeMeta?.kind ?? "";
  if (!apiVersion || !kind) throw bad("the protobuf envelope has no apiVersion/kind");
  if (env.contentEncoding) throw unsupported(`content encoding "${env.contentEncoding}"`);
  const name = KINDS[`${apiVersion}/${kind}`];
  if (!name) throw unsupported(`${kind} (${apiVersion})`);
  const T = root.lookupType(name);
  const raw: Uint8Array = env.raw ?? new Uint8Array();
  let msg: protobuf.Message;
  try {
    msg = T.decode(raw);
  } catch (e) {
    throw bad((e as Error).message);
  }
  // protobufjs skips fields it has no schema for: find them first, so nothing the client set is lost
  const unknown = unknownFields(T, raw, kind);
  if (unknown.length)
    throw unsupported(`${kind} (${apiVersion}) with field(s) ${unknown.slice(0, 5).join(", ")}`);
  return { apiVersion, kind, ...(messageToJson(T, msg as unknown as Obj) ?? {}) };
}
