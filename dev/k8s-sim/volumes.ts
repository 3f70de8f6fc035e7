// Where volume data lives on the simulator's disk, one directory tree per cluster:
//   <root>/pv/<pv name>/                  a provisioned PersistentVolume (rancher.io/local-path's
//                                         directory on the node; removed when the PV is reclaimed)
//   <root>/pods/<pod uid>/volumes/<name>/ an emptyDir (removed with the pod, as the kubelet does)
//   <root>/pods/<pod uid>/rootfs/<ctr>/   a container's writable layer (kept across restarts of the
//                                         container, removed with the pod)
// The root sits beside the simulator's state file, so volumes outlive a simulator restart exactly
// when the objects referring to them do; without a state file it is a temporary directory.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export class VolumeDirs {
  constructor(readonly root: string) {}

  private ensure(dir: string): string {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  pv(name: string): string {
    return this.ensure(join(this.root, "pv", name));
  }
  emptyDir(podUid: string, volume: string): string {
    return this.ensure(join(this.root, "pods", podUid, "volumes", volume));
  }
  rootfs(podUid: string, container: string): string {
    return this.ensure(join(this.root, "pods", podUid, "rootfs", container));
  }

  removePv(name: string): void {
    rmSync(join(this.root, "pv", name), { recursive: true, force: true });
  }
  removePod(podUid: string): void {
    rmSync(join(this.root, "pods", podUid), { recursive: true, force: true });
  }
  /** Drops the data of volumes that no longer exist (reclaimed while the state file was not saved). */
  prunePvs(live: Set<string>): void {
    const dir = join(this.root, "pv");
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) if (!live.has(name)) this.removePv(name);
  }
  /** Drops the directories of pods that no longer exist (deleted while the simulator was down). */
  prunePods(live: Set<string>): void {
    const dir = join(this.root, "pods");
    if (!existsSync(dir)) return;
    for (const uid of readdirSync(dir)) if (!live.has(uid)) this.removePod(uid);
  }
}
