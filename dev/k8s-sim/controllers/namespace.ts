// Namespace lifecycle: a terminating namespace has its content deleted and then goes away; every
// active namespace gets its "default" ServiceAccount (the serviceaccount controller's job).
import { R, RESOURCES } from "../resources";
import type { ControllerContext } from "./context";

export function namespaceController(ctx: ControllerContext): void {
  for (const ns of ctx.store.list(R.ns)) {
    const name = ns.metadata.name;
    if (ns.metadata.deletionTimestamp) {
      for (const def of RESOURCES) {
        if (!def.namespaced || def.virtual) continue;
        for (const o of ctx.store.list(def, name)) ctx.store.remove(def, name, o.metadata.name);
      }
      ctx.store.remove(R.ns, "", name);
      continue;
    }
    if (!ctx.store.get(R.sa, name, "default"))
      ctx.store.insert(R.sa, { metadata: { name: "default", namespace: name } });
  }
}
