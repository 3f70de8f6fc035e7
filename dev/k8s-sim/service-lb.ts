// A load-balancer provider (a cloud's service controller, MetalLB), present only when the cluster
// spec says `loadBalancer: true`: LoadBalancer Services without a loadBalancerClass get 127.0.0.1 in
// status.loadBalancer.ingress (the simulator's loopback); a Service that stops being a LoadBalancer
// loses it. Without a provider they stay `<pending>`, as on bare metal.
// Reference: staging/src/k8s.io/cloud-provider/controllers/service/controller.go (syncLoadBalancerIfNeeded).
import type { ControllerContext } from "./controllers/context";
import { R } from "./resources";

export const LB_ADDRESS = "127.0.0.1";

export function serviceLoadBalancerController(ctx: ControllerContext, enabled: boolean): void {
  // No provider: nothing publishes or clears anything (a status written through the API stays).
  if (!enabled) return;
  const { store } = ctx;
  for (const svc of store.list(R.svc)) {
    const isLb = svc.spec?.type === "LoadBalancer";
    // A Service of another loadBalancerClass is another provider's.
    if (isLb && svc.spec?.loadBalancerClass) continue;
    const has = (svc.status?.loadBalancer?.ingress ?? []).length > 0;
    if (isLb === has) continue;
    store.mutate(R.svc, svc.metadata.namespace, svc.metadata.name, (o) => {
      o.status = {
        ...(o.status ?? {}),
        loadBalancer: isLb ? { ingress: [{ ip: LB_ADDRESS, ipMode: "VIP" }] } : {},
      };
    });
  }
}
