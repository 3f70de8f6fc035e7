// ingress-nginx as its bare-metal install manifest puts it in a cluster (namespace `ingress-nginx`,
// ServiceAccount, ConfigMap, the controller Deployment and its NodePort Service, IngressClass
// `nginx` with controller `k8s.io/ingress-nginx`, not the default class), created through the
// registry like the other add-ons and already Running when the simulator starts. The controller's
// pods are what a lease's NetworkPolicy must admit for the ingress (ingress-controller.ts) to reach
// its pods. Which Ingresses it serves, and the status it publishes, are here too.
// Reference: kubernetes/ingress-nginx deploy/static/provider/baremetal/deploy.yaml (controller-v1.11.3).
import type { ControllerContext } from "./controllers/context";
import { isPodReady } from "./controllers/owner-refs";
import type { Registry } from "./registry";
import { R, RESOURCES, type ResDef } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

export const INGRESS_NAMESPACE = "ingress-nginx";
export const INGRESS_CLASS = "nginx";
export const INGRESS_CONTROLLER = "k8s.io/ingress-nginx";
/** What ingress-nginx publishes in Ingress status: the simulator's ingress listener is on loopback. */
export const INGRESS_STATUS_IP = "127.0.0.1";

export const ING = RESOURCES.find((r) => r.group === "networking.k8s.io" && r.name === "ingresses") as ResDef;
export const ING_CLASS = RESOURCES.find(
  (r) => r.group === "networking.k8s.io" && r.name === "ingressclasses",
) as ResDef;
const CM = RESOURCES.find((r) => r.group === "" && r.name === "configmaps") as ResDef;

const VERSION = "1.11.3";
const BASE_LABELS = {
  "app.kubernetes.io/instance": "ingress-nginx",
  "app.kubernetes.io/name": "ingress-nginx",
  "app.kubernetes.io/part-of": "ingress-nginx",
  "app.kubernetes.io/version": VERSION,
};
/** The controller pods' labels (the Deployment's selector), what a NetworkPolicy peer names. */
export const CONTROLLER_POD_LABELS = {
  "app.kubernetes.io/component": "controller",
  "app.kubernetes.io/instance": "ingress-nginx",
  "app.kubernetes.io/name": "ingress-nginx",
};
const CONTROLLER_LABELS = { ...BASE_LABELS, "app.kubernetes.io/component": "controller" };
const NAME = "ingress-nginx-controller";

function objects(): [ResDef, Obj][] {
  const meta = (name: string, labels: Record<string, string> = CONTROLLER_LABELS) => ({
    name,
    namespace: INGRESS_NAMESPACE,
    labels,
  });
  return [
    [R.sa, { metadata: meta("ingress-nginx"), automountServiceAccountToken: true }],
    [CM, { metadata: meta(NAME), data: { "allow-snippet-annotations": "false" } }],
    [
      R.svc,
      {
        metadata: meta(NAME),
        spec: {
          type: "NodePort",
          ipFamilyPolicy: "SingleStack",
          ipFamilies: ["IPv4"],
          selector: CONTROLLER_POD_LABELS,
          ports: [
            { name: "http", port: 80, protocol: "TCP", targetPort: "http", appProtocol: "http" },
            { name: "https", port: 443, protocol: "TCP", targetPort: "https", appProtocol: "https" },
          ],
        },
      },
    ],
    [
      R.deploy,
      {
        metadata: meta(NAME),
        spec: {
          replicas: 1,
          minReadySeconds: 0,
          revisionHistoryLimit: 10,
          selector: { matchLabels: CONTROLLER_POD_LABELS },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: CONTROLLER_LABELS },
            spec: {
              serviceAccountName: "ingress-nginx",
              dnsPolicy: "ClusterFirst",
              nodeSelector: { "kubernetes.io/os": "linux" },
              terminationGracePeriodSeconds: 300,
              containers: [
                {
                  name: "controller",
                  image: `registry.k8s.io/ingress-nginx/controller:v${VERSION}`,
                  imagePullPolicy: "IfNotPresent",
                  args: [
                    "/nginx-ingress-controller",
                    "--election-id=ingress-nginx-leader",
                    `--controller-class=${INGRESS_CONTROLLER}`,
                    `--ingress-class=${INGRESS_CLASS}`,
                    `--configmap=$(POD_NAMESPACE)/${NAME}`,
                  ],
                  env: [
                    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                    { name: "LD_PRELOAD", value: "/usr/local/lib/libmimalloc.so" },
                  ],
                  ports: [
                    { name: "http", containerPort: 80, protocol: "TCP" },
                    { name: "https", containerPort: 443, protocol: "TCP" },
                  ],
                  resources: { requests: { cpu: "100m", memory: "90Mi" } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                    readOnlyRootFilesystem: false,
                    runAsNonRoot: true,
                    runAsUser: 101,
                    seccompProfile: { type: "RuntimeDefault" },
                  },
                },
              ],
            },
          },
        },
      },
    ],
  ];
}

const INGRESS_CLASS_OBJ: Obj = {
  metadata: { name: INGRESS_CLASS, labels: CONTROLLER_LABELS },
  spec: { controller: INGRESS_CONTROLLER },
};

/** Creates what is missing of ingress-nginx; true when it created anything. */
export function ensureIngressNginx(store: Store, registry: Registry): boolean {
  let created = false;
  if (!store.get(R.ns, "", INGRESS_NAMESPACE)) {
    registry.create(R.ns, "", {
      metadata: {
        name: INGRESS_NAMESPACE,
        labels: { "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx" },
      },
    });
    created = true;
  }
  for (const [def, o] of objects())
    if (!store.get(def, INGRESS_NAMESPACE, o.metadata.name)) {
      registry.create(def, INGRESS_NAMESPACE, structuredClone(o));
      created = true;
    }
  if (!store.get(ING_CLASS, "", INGRESS_CLASS)) {
    registry.create(ING_CLASS, "", structuredClone(INGRESS_CLASS_OBJ));
    created = true;
  }
  return created;
}

/** The controller's Ready pods (the sources of its connections to backends). */
export function controllerPods(store: Store): Obj[] {
  return store
    .list(R.pod, INGRESS_NAMESPACE)
    .filter(
      (p) =>
        isPodReady(p) &&
        Object.entries(CONTROLLER_POD_LABELS).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
}

/**
 * Whether ingress-nginx serves this Ingress: `spec.ingressClassName` names an IngressClass of its
 * controller, or (no class name) the legacy `kubernetes.io/ingress.class: nginx` annotation, or its
 * class is the cluster's default (ingressclass.kubernetes.io/is-default-class), as the controller's
 * class filter does (internal/ingress/controller/store: IsValid / ingressclass checks).
 */
export function servedByNginx(store: Store, ing: Obj): boolean {
  const name = ing.spec?.ingressClassName;
  const mine = (cls: Obj | undefined) => cls?.spec?.controller === INGRESS_CONTROLLER;
  if (name) return mine(store.get(ING_CLASS, "", name));
  const legacy = ing.metadata.annotations?.["kubernetes.io/ingress.class"];
  if (legacy !== undefined) return legacy === INGRESS_CLASS;
  return store
    .list(ING_CLASS)
    .some(
      (c) => mine(c) && c.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"] === "true",
    );
}

/** ingress-nginx's status sync: the Ingresses it serves get the published address while it runs. */
export function ingressStatusController(ctx: ControllerContext): void {
  const { store } = ctx;
  const running = controllerPods(store).length > 0;
  for (const ing of store.list(ING)) {
    const want = running && servedByNginx(store, ing) ? [{ ip: INGRESS_STATUS_IP }] : undefined;
    const have = ing.status?.loadBalancer?.ingress;
    if (JSON.stringify(have) === JSON.stringify(want)) continue;
    // A controller that stops serving an Ingress leaves its status as it was (ingress-nginx only
    // clears it on shutdown with --update-status-on-shutdown); we set it, never clear it.
    if (!want) continue;
    store.mutate(ING, ing.metadata.namespace, ing.metadata.name, (o) => {
      o.status = { ...(o.status ?? {}), loadBalancer: { ingress: want } };
    });
  }
}
