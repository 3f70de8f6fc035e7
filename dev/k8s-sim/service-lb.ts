// A load-balancer provider (a cloud's service controller, MetalLB), present only when the cluster
// spec says `loadBalancer: true`: LoadBalancer Services without a loadBalancerClass get 127.0.0.1 in
// status.loadBalancer.ingress (the simulator's loopback); a Service that stops being a LoadBalancer
// loses it. Without a provider they stay `<pending>`, as on bare metal.
// Reference: staging/src/k8s.io/cloud-provider/controllers/service/controller.go (syncLoadBalancerIfNeeded).
import type { ControllerContext } from "./controllers/context";
import { R } from "./resources";

export const LB_ADDRESS = "127.0.0.1";

export function serviceLoadBalancerController(ctx: ControllerContext, enabled: boolean): void {
  const { store } = ctx;
  for (const svc of store.list(R.svc)) {
    const wants = enabled && svc.spec?.type === "LoadBalancer" && !svc.spec?.loadBalancerClass;
    const has = (svc.status?.loadBalancer?.ingress ?? []).length > 0;
    if (wants === has) continue;
    // Only what this provider published is cleared: a Service of another class keeps its status.
    if (!wants && svc.spec?.type === "LoadBalancer" && svc.spec?.loadBalancerClass) continue;
    store.mutate(R.svc, svc.metadata.namespace, svc.metadata.name, (o) => {
      o.status = {
        ...(o.status ?? {}),
        loadBalancer: wants ? { ingress: [{ ip: LB_ADDRESS, ipMode: "VIP" }] } : {},
      };
    });
  }
}
