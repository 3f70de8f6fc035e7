// What a controller works with: the store (read, and write status), the event recorder, and the
// registry (creates go through admission like any API client's, as in kube-controller-manager).
import type { EventRecorder } from "../events";
import type { Registry } from "../registry";
import type { Store } from "../store";
import type { VolumeDirs } from "../volumes";

export interface ControllerContext {
  store: Store;
  events: EventRecorder;
  registry: Registry;
  /** Volume data on the simulator's disk (provisioned PersistentVolumes). */
  volumes: VolumeDirs;
}
