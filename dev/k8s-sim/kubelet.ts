// Kubelet: per-pod container state machines (image pull, start, crash loop with back-off),
// pod status written from them, container logs and simulated cpu/memory usage. The scheduler
// hands a bound pod over in scheduler.ts bind(); the registry tracks new pods with track().
// Image conventions (crashloop, pullerror, doesnotexist) are in README.md; what an image needs to
// start (user, writable paths, capabilities) and how much it writes is the image model (images.ts).
// Local-storage eviction follows the kubelet's eviction manager (pkg/kubelet/eviction/eviction_manager.go,
// localStorageEviction: a pod over the sum of its containers' ephemeral-storage limits is evicted).
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { mountError, resolveEnv } from "./container-env";
import type { EventRecorder } from "./events";
import { type AppContext, appFor, type ContainerApp, type DialedPeer, type HttpRequest } from "./http-apps";
import { containerOutcome, diskBytes, imageProfile, normalizeImage } from "./images";
import { isTerminal } from "./pods";
import { R } from "./resources";
import type { Store } from "./store";
import { nowIso, type Obj, parseQuantity, templateHash } from "./util";
import type { VolumeDirs } from "./volumes";
import { type ContainerSim, crashLines, makeLogLine, type PodSim, startupLines } from "./workload";

/** How a container's program reaches `host:port` (AppContext.dial); the cluster's network wires it. */
export type Dialer = (
  from: { pod: Obj; container: string },
  host: string,
  port: number,
) => Promise<DialedPeer>;

const hex = (n: number) => randomBytes(n).toString("hex");

export class Kubelet {
  readonly pods = new Map<string, PodSim>(); // by pod uid
  /** Set by whoever models the cluster network (Service DNS, NetworkPolicy); unset: nothing resolves. */
  dialer: Dialer | undefined;

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly opts: { podStartDelayMs: number },
    private readonly volumes: VolumeDirs,
  ) {}

  /** Starts tracking a newly stored pod (waiting for the scheduler). */
  track(pod: Obj): void {
    this.pods.set(pod.metadata.uid, this.newPodSim(pod));
  }

  /** Rebuilds container state for the pods of a restored snapshot: running pods keep running. */
  restore(): void {
    const now = Date.now();
    for (const p of this.store.list(R.pod)) {
      const sim = this.newPodSim(p);
      if (p.spec.nodeName) {
        const running = p.status?.phase === "Running";
        sim.scheduledAt = now;
        for (const c of sim.containers) {
          const st = (p.status?.containerStatuses ?? []).find((x: Obj) => x.name === c.name);
          c.restartCount = st?.restartCount ?? 0;
          if (running && c.mode === "ok") {
            c.state = "running";
            c.startedAt = Date.parse(st?.state?.running?.startedAt ?? "") || now;
            c.lastLogAt = now;
            c.containerID = (st?.containerID as string | undefined) ?? c.containerID;
          } else c.nextAt = now + this.startDelay();
        }
      }
      this.pods.set(p.metadata.uid, sim);
    }
  }

  /** Starts a bound pod's runnable containers at once and without events (pods that were already running). */
  runAtOnce(pod: Obj, now: number): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim?.node) return;
    for (const c of sim.containers) {
      if (c.mode !== "ok") continue;
      c.state = "running";
      c.startedAt = now;
      c.lastLogAt = now;
      c.nextAt = Number.POSITIVE_INFINITY;
      for (const line of startupLines(c)) this.appendLog(c, line, now);
    }
    this.writePodStatus(sim, now);
  }

  startDelay(): number {
    return this.opts.podStartDelayMs * (0.75 + Math.random() * 0.5);
  }

  newPodSim(pod: Obj): PodSim {
    return {
      uid: pod.metadata.uid,
      ns: pod.metadata.namespace,
      name: pod.metadata.name,
      node: pod.spec.nodeName,
      scheduledAt: 0,
      schedAt: 0,
      containers: (pod.spec.containers ?? []).map((c: Obj) => this.newContainerSim(c, pod)),
    };
  }
  private newContainerSim(c: Obj, pod: Obj): ContainerSim {
    const image = String(c.image ?? "");
    const lower = image.toLowerCase();
    const diskLimit = c.resources?.limits?.["ephemeral-storage"];
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    // `memhog` grows until the kernel kills it at its cgroup's memory limit; without a limit it would
    // take the node's memory, which the simulator does not model, so it then runs like any image.
    const memhog = lower.includes("memhog") && lim.memory !== undefined;
    const outcome =
      lower.includes("pullerror") || lower.includes("doesnotexist") || lower.includes("crashloop") || memhog
        ? undefined
        : containerOutcome(pod, c);
    const mode =
      lower.includes("pullerror") || lower.includes("doesnotexist")
        ? "pull"
        : lower.includes("crashloop")
          ? "crash"
          : memhog
            ? "oom"
            : outcome?.kind === "config"
              ? "config"
              : outcome?.kind === "crash"
                ? "fail"
                : "ok";
    const cpuBase = parseQuantity(req.cpu ?? lim.cpu ?? "100m");
    const memBase = parseQuantity(lim.memory ?? req.memory ?? "256Mi");
    return {
      name: c.name,
      specImage: image,
      image: normalizeImage(image),
      mode,
      state: "waiting",
      nextAt: 0,
      startAt: 0,
      startedAt: 0,
      restartCount: 0,
      containerID: `containerd://${hex(32)}`,
      logs: [],
      logBytes: 0,
      previous: [],
      subs: new Set(),
      lastLogAt: 0,
      cpuBase,
      cpuLimit: lim.cpu !== undefined ? parseQuantity(lim.cpu) : undefined,
      memLimit: lim.memory !== undefined ? parseQuantity(lim.memory) : undefined,
      cpuFrac: 0.1 + Math.random() * 0.3,
      mem: memBase * (0.1 + Math.random() * 0.1),
      memTarget: memhog ? memBase * 1.5 : memBase * (0.35 + Math.random() * 0.35),
      port: c.ports?.[0]?.containerPort ?? 8080,
      backoffMs: 0,
      ...(outcome?.kind === "config" ? { configError: outcome.message } : {}),
      ...(outcome?.kind === "crash" ? { failLines: outcome.lines } : {}),
      profile: outcome?.profile ?? imageProfile(image),
      spec: c,
      disk: 0,
      diskLimit: diskLimit !== undefined ? parseQuantity(diskLimit) : undefined,
    };
  }

  forgetPod(pod: Obj): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    for (const c of sim.containers) for (const s of c.subs) s.end();
    this.pods.delete(pod.metadata.uid);
    // The pod's emptyDirs and writable layers go once its programs have closed their files.
    void Promise.all(sim.containers.map((c) => this.stopApp(sim, c, pod))).finally(() =>
      this.volumes.removePod(sim.uid),
    );
  }

  // ---------------- the programs in running containers (http-apps.ts) ----------------

  /** The program of a running container and its context, or undefined (not running, or no model). */
  appOf(podUid: string, container: string): { app: ContainerApp; ctx: AppContext } | undefined {
    const sim = this.pods.get(podUid);
    const c = sim?.containers.find((x) => x.name === container);
    if (!sim || !c || c.state !== "running" || c.mode !== "ok") return undefined;
    const pod = this.store.get(R.pod, sim.ns, sim.name);
    if (!pod) return undefined;
    if (c.env === undefined) {
      // Restored after a simulator restart: the environment is resolved again.
      const r = resolveEnv(this.store, pod, c.spec);
      c.env = "env" in r ? r.env : {};
    }
    if (c.app === undefined) c.app = this.makeApp(c);
    return c.app ? { app: c.app, ctx: this.appContext(sim, c, pod) } : undefined;
  }

  /**
   * The container's program starts: its model (if any) may exit at once (e.g. postgres without a
   * password on an empty data directory), which makes this start a failing one.
   */
  private startApp(sim: PodSim, c: ContainerSim, pod: Obj): void {
    if (c.appExited) {
      c.mode = "ok";
      c.appExited = false;
      c.failLines = undefined;
    }
    if (c.mode !== "ok") return;
    c.app = this.makeApp(c);
    const lines = c.app?.exitsOnStart?.(this.appContext(sim, c, pod));
    if (lines) {
      c.mode = "fail";
      c.appExited = true;
      c.failLines = lines;
      c.app = undefined;
    }
  }

  private makeApp(c: ContainerSim): ContainerApp | null {
    // A command of its own replaces the image's entrypoint: the model's program is not what runs.
    const app = c.spec.command?.length ? null : appFor(c.specImage);
    const http = app?.http?.bind(app);
    if (!app || !http) return app;
    // Each request it answers costs the container CPU time (`usage`): load through a Service or the
    // ingress raises its CPU, which is what the HPA controller scales on.
    return Object.assign(Object.create(app) as ContainerApp, {
      http: (port: number, req: HttpRequest, ctx: AppContext) => {
        c.served = (c.served ?? 0) + 1;
        return http(port, req, ctx);
      },
    });
  }

  private appContext(sim: PodSim, c: ContainerSim, pod: Obj): AppContext {
    return {
      pod,
      container: c.name,
      env: { ...(c.env ?? {}) },
      mountDir: (path) => this.mountDir(sim, pod, c, path),
      writableLayer: () => this.volumes.rootfs(sim.uid, c.name),
      dial: (host, port) => {
        if (!this.dialer) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`));
        return this.dialer({ pod, container: c.name }, host, port);
      },
    };
  }

  /**
   * The directory backing `path` in container `c`: the mount with the longest matching mountPath,
   * its volume (a bound claim's PV, an emptyDir) and subPath, then the rest of the path.
   */
  private mountDir(sim: PodSim, pod: Obj, c: ContainerSim, path: string): string | null {
    const clean = path.replace(/\/+$/, "") || "/";
    const under = (m: string) => {
      const mp = m.replace(/\/+$/, "") || "/";
      return clean === mp || clean.startsWith(mp === "/" ? "/" : `${mp}/`);
    };
    const mount = ((c.spec.volumeMounts ?? []) as Obj[])
      .filter((m) => under(String(m.mountPath ?? "")))
      .sort((a, b) => String(b.mountPath).length - String(a.mountPath).length)[0];
    if (!mount) return null;
    const vol = ((pod.spec.volumes ?? []) as Obj[]).find((v) => v.name === mount.name);
    let base: string | undefined;
    if (vol?.persistentVolumeClaim) {
      const pvc = this.store.get(R.pvc, sim.ns, vol.persistentVolumeClaim.claimName);
      if (pvc?.spec?.volumeName) base = this.volumes.pv(pvc.spec.volumeName);
    } else if (vol?.emptyDir) base = this.volumes.emptyDir(sim.uid, vol.name);
    else if (vol?.secret || vol?.configMap) base = this.projectVolume(sim, pod, vol);
    if (!base) return null;
    const rest = clean.slice((String(mount.mountPath).replace(/\/+$/, "") || "/").length).replace(/^\/+/, "");
    // The kubelet creates a subPath directory that does not exist yet; below it is the program's business.
    const mounted = join(base, String(mount.subPath ?? ""));
    const dir = join(mounted, rest);
    // subPath and the rest stay inside the volume (validation refuses `..` in subPath).
    if (!`${dir}/`.startsWith(`${base}/`)) return null;
    mkdirSync(mounted, { recursive: true });
    return dir;
  }

  /**
   * The attach/detach controller's refusal to attach a ReadWriteOnce volume to a second node
   * (pkg/controller/volume/attachdetach/reconciler: reportMultiAttachError). Only attachable volumes
   * (CSI): a local-path volume pins its pods to its node instead.
   */
  private multiAttachError(pod: Obj, node: string): string | undefined {
    const ns: string = pod.metadata.namespace;
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      const pvc = claim ? this.store.get(R.pvc, ns, claim) : undefined;
      const pv = pvc?.spec?.volumeName ? this.store.get(R.pv, "", pvc.spec.volumeName) : undefined;
      const modes: string[] = pv?.spec?.accessModes ?? [];
      if (!pv?.spec?.csi || !modes.includes("ReadWriteOnce") || modes.some((m) => m.endsWith("Many")))
        continue;
      const others = this.store
        .list(R.pod)
        .filter(
          (p) =>
            p.metadata.uid !== pod.metadata.uid &&
            p.spec.nodeName &&
            p.spec.nodeName !== node &&
            !isTerminal(p) &&
            p.metadata.namespace === ns &&
            (p.spec.volumes ?? []).some((x: Obj) => x.persistentVolumeClaim?.claimName === claim),
        );
      if (others.length)
        return `Multi-Attach error for volume "${pv.metadata.name}" Volume is already used by pod(s) ${others.map((p) => p.metadata.name).join(", ")}`;
    }
    return undefined;
  }

  /**
   * A Secret or ConfigMap volume as the kubelet writes it (pkg/volume/secret, pkg/volume/configmap):
   * one file per key (or per `items` entry, at its `path`), Secret values decoded, rewritten on each
   * look so that updates show (the kubelet syncs them periodically). Kept with the pod's emptyDirs.
   */
  private projectVolume(sim: PodSim, pod: Obj, vol: Obj): string {
    const dir = this.volumes.emptyDir(sim.uid, vol.name);
    const isSecret = !!vol.secret;
    const src = vol.secret ?? vol.configMap;
    const o = this.store.get(
      isSecret ? R.secret : R.cm,
      pod.metadata.namespace,
      isSecret ? src.secretName : src.name,
    );
    const data: Record<string, string> = o?.data ?? {};
    const files: [string, string][] = src.items?.length
      ? (src.items as Obj[])
          .filter((i) => data[i.key] !== undefined)
          .map((i) => [String(i.path), data[i.key] as string])
      : Object.entries(data).map(([k, v]) => [k, v]);
    for (const [path, value] of files) {
      const file = join(dir, path);
      if (!file.startsWith(`${dir}/`)) continue; // validation refuses `..` in item paths
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, isSecret ? Buffer.from(value, "base64") : value, { mode: 0o600 });
    }
    return dir;
  }

  private async stopApp(sim: PodSim, c: ContainerSim, pod: Obj): Promise<void> {
    const app = c.app;
    c.app = undefined;
    if (!app?.stop) return;
    try {
      await app.stop(this.appContext(sim, c, pod));
    } catch {
      // A program that fails to close is stopped all the same (the runtime kills it).
    }
  }

  /** Stops every running program (the simulator is shutting down). */
  async stopApps(): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const sim of this.pods.values()) {
      const pod = this.store.get(R.pod, sim.ns, sim.name);
      if (pod) for (const c of sim.containers) stops.push(this.stopApp(sim, c, pod));
    }
    await Promise.all(stops);
  }

  syncPodImages(pod: Obj): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    for (const c of pod.spec.containers ?? []) {
      const cs = sim.containers.find((x) => x.name === c.name);
      if (cs && cs.specImage !== c.image) {
        // The old image's program stops with its container.
        void this.stopApp(sim, cs, pod);
        const fresh = this.newContainerSim(c, pod);
        Object.assign(cs, {
          specImage: fresh.specImage,
          image: fresh.image,
          mode: fresh.mode,
          configError: fresh.configError,
          failLines: fresh.failLines,
          appExited: false,
          profile: fresh.profile,
          spec: fresh.spec,
          state: "pulling",
          nextAt: Date.now() + this.startDelay() * 0.6,
          startAt: Date.now() + this.startDelay(),
        });
      }
    }
  }

  /** Whether a pod waits for the scheduler or a container has a transition due (the ticker then reconciles). */
  hasWork(now: number): boolean {
    for (const sim of this.pods.values()) {
      if (sim.evicted) continue;
      if (!sim.node || sim.scheduledAt === 0) return true;
      for (const c of sim.containers) if (c.nextAt <= now) return true;
    }
    return false;
  }

  /** State machine transitions (cheap; run on every reconcile). */
  transitions(now: number): void {
    for (const sim of this.pods.values()) {
      if (!sim.node || sim.scheduledAt === 0) continue;
      let changed = false;
      const pod = this.store.get(R.pod, sim.ns, sim.name);
      if (!pod) continue;
      const host = sim.node;
      const ev = (type: "Normal" | "Warning", reason: string, msg: string, c: ContainerSim) =>
        this.events.record(R.pod, pod, type, reason, msg, "kubelet", {
          fieldPath: `spec.containers{${c.name}}`,
          host,
        });
      // Volumes are set up before any container is created: a missing Secret/ConfigMap volume keeps
      // the pod ContainerCreating with FailedMount, retried with back-off.
      const due = sim.containers.filter((c) => c.state === "pulling" && now >= c.nextAt);
      const attachErr = due.length ? this.multiAttachError(pod, host) : undefined;
      const mountErr = due.length && !attachErr ? mountError(this.store, pod) : undefined;
      if (attachErr)
        this.events.record(R.pod, pod, "Warning", "FailedAttachVolume", attachErr, "attachdetach-controller");
      else if (mountErr)
        this.events.record(R.pod, pod, "Warning", "FailedMount", mountErr, "kubelet", { host });
      if (attachErr || mountErr) {
        for (const c of due) {
          c.backoffMs = c.backoffMs
            ? Math.min(c.backoffMs * 2, 20_000)
            : Math.max(200, this.opts.podStartDelayMs * 2);
          c.nextAt = now + c.backoffMs;
        }
      }
      for (const c of sim.containers) {
        if (now < c.nextAt) continue;
        switch (c.state) {
          case "pulling":
            if (c.mode === "pull") {
              c.state = "errimagepull";
              c.backoffMs = c.backoffMs
                ? Math.min(c.backoffMs * 2, 20_000)
                : Math.max(200, this.opts.podStartDelayMs * 2);
              c.nextAt = now + c.backoffMs / 2;
              ev(
                "Warning",
                "Failed",
                `Failed to pull image "${c.specImage}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": ${c.image}: not found`,
                c,
              );
              ev("Warning", "Failed", "Error: ErrImagePull", c);
            } else {
              c.state = "pulled";
              c.nextAt = c.startAt;
              const ms = Math.round(c.startAt - c.nextAt + 300 + Math.random() * 2000);
              if (c.restartCount === 0)
                ev(
                  "Normal",
                  "Pulled",
                  `Successfully pulled image "${c.specImage}" in ${ms}ms (${ms}ms including waiting). Image size: ${Math.round(20 + Math.random() * 180) * 1048576 + 123456} bytes.`,
                  c,
                );
              else ev("Normal", "Pulled", `Container image "${c.specImage}" already present on machine`, c);
              continue; // started at startAt
            }
            changed = true;
            break;
          case "errimagepull":
            c.state = "imagepullbackoff";
            c.nextAt = now + c.backoffMs;
            ev("Normal", "BackOff", `Back-off pulling image "${c.specImage}"`, c);
            ev("Warning", "Failed", "Error: ImagePullBackOff", c);
            changed = true;
            break;
          case "imagepullbackoff":
            c.state = "pulling";
            c.nextAt = now;
            ev("Normal", "Pulling", `Pulling image "${c.specImage}"`, c);
            break;
          case "configerror":
          case "pulled":
          case "crashbackoff": {
            // The kubelet builds the environment each time it creates the container.
            let configError = c.mode === "config" ? c.configError : undefined;
            if (!configError) {
              const r = resolveEnv(this.store, pod, c.spec);
              if ("error" in r) configError = r.error;
              else c.env = r.env;
            }
            if (configError) {
              c.configError = configError;
              // The kubelet retries on every pod sync; the event repeats (its count grows).
              if (c.state === "configerror")
                ev("Normal", "Pulled", `Container image "${c.specImage}" already present on machine`, c);
              c.state = "configerror";
              c.backoffMs = c.backoffMs
                ? Math.min(c.backoffMs * 2, 20_000)
                : Math.max(200, this.opts.podStartDelayMs * 2);
              c.nextAt = now + c.backoffMs;
              ev("Warning", "Failed", `Error: ${c.configError}`, c);
              changed = true;
              break;
            }
            if (c.state === "crashbackoff")
              ev("Normal", "Pulled", `Container image "${c.specImage}" already present on machine`, c);
            this.startApp(sim, c, pod);
            c.state = "running";
            c.startedAt = now;
            c.lastLogAt = now;
            c.containerID = `containerd://${hex(32)}`;
            if (c.logs.length) c.previous = c.logs;
            c.logs = [];
            c.logBytes = 0;
            for (const line of c.failLines ?? startupLines(c)) this.appendLog(c, line, now);
            ev("Normal", "Created", `Created container ${c.name}`, c);
            ev("Normal", "Started", `Started container ${c.name}`, c);
            c.nextAt =
              c.mode === "crash" || c.mode === "oom"
                ? now + Math.max(150, this.opts.podStartDelayMs * 1.5)
                : c.mode === "fail"
                  ? now + Math.max(50, this.opts.podStartDelayMs * 0.3)
                  : Number.POSITIVE_INFINITY;
            changed = true;
            break;
          }
          case "running":
            if (c.mode === "crash" || c.mode === "fail" || c.mode === "oom") {
              void this.stopApp(sim, c, pod);
              if (c.mode === "crash") for (const line of crashLines(c)) this.appendLog(c, line, now);
              // The OOM killer's SIGKILL leaves no last words; its usage was at the limit.
              if (c.mode === "oom" && c.memLimit) c.mem = c.memLimit;
              c.restartCount++;
              c.finishedAt = now;
              c.state = "crashbackoff";
              c.backoffMs = Math.min(
                20_000,
                Math.max(200, this.opts.podStartDelayMs * 2) * 2 ** (c.restartCount - 1),
              );
              c.nextAt = now + c.backoffMs;
              for (const s of c.subs) s.end();
              c.subs.clear();
              if (pod.spec.restartPolicy !== "Never")
                ev(
                  "Warning",
                  "BackOff",
                  `Back-off restarting failed container ${c.name} in pod ${sim.name}_${sim.ns}(${sim.uid})`,
                  c,
                );
              changed = true;
            }
            break;
        }
      }
      if (changed) this.writePodStatus(sim, now);
    }
  }

  private writePodStatus(sim: PodSim, _now: number): void {
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
    this.store.mutate(R.pod, sim.ns, sim.name, (x) => {
      const t = nowIso();
      const never = x.spec.restartPolicy === "Never";
      const statuses = sim.containers.map((c) => {
        const prev = (x.status.containerStatuses ?? []).find((s: Obj) => s.name === c.name) ?? {};
        let state: Obj;
        let lastState: Obj = prev.lastState ?? {};
        const imageID =
          c.mode === "pull"
            ? ""
            : `${c.image.replace(/:[^:/]+$/, "")}@sha256:${templateHash(c.image).padEnd(64, "0")}`;
        switch (c.state) {
          case "running":
            state = { running: { startedAt: iso(c.startedAt) } };
            break;
          case "crashbackoff": {
            // As the kubelet reports a container killed at its memory limit: OOMKilled, 128 + SIGKILL.
            const oom = c.mode === "oom";
            const term = {
              exitCode: oom ? 137 : 1,
              reason: oom ? "OOMKilled" : "Error",
              startedAt: iso(c.startedAt),
              finishedAt: iso(c.finishedAt ?? Date.now()),
              containerID: c.containerID,
            };
            if (never) state = { terminated: term };
            else {
              state = {
                waiting: {
                  reason: "CrashLoopBackOff",
                  message: `back-off ${Math.round(c.backoffMs / 1000) || 1}s restarting failed container=${c.name} pod=${sim.name}_${sim.ns}(${sim.uid})`,
                },
              };
              lastState = { terminated: term };
            }
            break;
          }
          case "configerror":
            state = { waiting: { reason: "CreateContainerConfigError", message: c.configError ?? "" } };
            break;
          case "evicted":
            state = prev.state?.terminated
              ? prev.state
              : {
                  terminated: {
                    exitCode: 137,
                    reason: "Error",
                    startedAt: iso(c.startedAt || Date.now()),
                    finishedAt: iso(c.finishedAt ?? Date.now()),
                    containerID: c.containerID,
                  },
                };
            break;
          case "errimagepull":
            state = {
              waiting: {
                reason: "ErrImagePull",
                message: `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": ${c.image}: not found`,
              },
            };
            break;
          case "imagepullbackoff":
            state = {
              waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.specImage}"` },
            };
            break;
          default:
            state = prev.state ?? { waiting: { reason: "ContainerCreating" } };
        }
        const running = c.state === "running";
        return {
          name: c.name,
          state,
          lastState,
          ready: running,
          restartCount: c.restartCount,
          image: c.image,
          imageID,
          ...(running || c.state === "crashbackoff" ? { containerID: c.containerID } : {}),
          started: running,
        };
      });
      const allReady = statuses.every((s) => s.ready);
      const anyStarted = sim.containers.some((c) => c.startedAt > 0);
      const failed = never && sim.containers.some((c) => c.state === "crashbackoff");
      x.status.phase = sim.evicted || failed ? "Failed" : anyStarted ? "Running" : "Pending";
      if (sim.evicted) {
        x.status.reason = "Evicted";
        x.status.message = sim.evicted;
        if (!(x.status.conditions ?? []).some((cc: Obj) => cc.type === "DisruptionTarget"))
          x.status.conditions = [
            {
              type: "DisruptionTarget",
              status: "True",
              lastProbeTime: null,
              lastTransitionTime: t,
              reason: "TerminationByKubelet",
              message: sim.evicted,
            },
            ...(x.status.conditions ?? []),
          ];
      }
      x.status.containerStatuses = statuses;
      const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
      const setCond = (type: string, ok: boolean) => {
        const c = (x.status.conditions ?? []).find((cc: Obj) => cc.type === type);
        if (!c) return;
        const status = ok ? "True" : "False";
        if (c.status !== status) c.lastTransitionTime = t;
        c.status = status;
        if (ok) {
          delete c.reason;
          delete c.message;
        } else if (type !== "PodReadyToStartContainers") {
          c.reason = "ContainersNotReady";
          c.message = `containers with unready status: [${unready.join(" ")}]`;
        }
      };
      setCond("PodReadyToStartContainers", true);
      setCond("Ready", allReady);
      setCond("ContainersReady", allReady);
    });
  }

  appendLog(c: ContainerSim, text: string, at: number): void {
    const line = { t: at, ns: Math.floor(Math.random() * 1e6), text };
    c.logs.push(line);
    // On disk with its CRI timestamp and stream prefix; rotated at 5 × 10 MiB (the kubelet's defaults).
    c.logBytes = Math.min(50 * 1024 * 1024, c.logBytes + text.length + 40);
    if (c.logs.length > 5500) c.logs.splice(0, c.logs.length - 5000);
    for (const s of c.subs) s.line(line);
  }

  /** Periodic work: usage random walk and log lines for running containers. */
  tick(now: number, dtMs: number): void {
    this.evictOverStorage(now);
    for (const sim of this.pods.values()) {
      for (const c of sim.containers) {
        if (c.state !== "running") continue;
        let dt = dtMs / 1000;
        // Quiet containers (system pods) write no logs: their usage walks once a second, which keeps
        // many idle clusters cheap (lastLogAt marks the last step).
        if (c.profile.quiet) {
          if (now - c.lastLogAt < 1000) continue;
          dt = Math.min(5, (now - c.lastLogAt) / 1000);
          c.lastLogAt = now;
        }
        // cpu: smooth random walk between 10% and 70% of the request (capped by the limit)
        c.cpuFrac += (Math.random() - 0.5) * 0.15 * Math.sqrt(dt) + (0.35 - c.cpuFrac) * 0.02 * dt;
        c.cpuFrac = Math.min(0.7, Math.max(0.1, c.cpuFrac));
        // requests served: a rate smoothed over ~5 s (a metrics window sees a steady load, not bursts)
        if (dt > 0) {
          const rate = (c.served ?? 0) / dt;
          c.served = 0;
          c.servedRate = (c.servedRate ?? 0) + (rate - (c.servedRate ?? 0)) * Math.min(1, dt / 5);
        }
        // memory: grows towards a plateau with small noise
        c.mem +=
          (c.memTarget - c.mem) * Math.min(1, 0.05 * dt) +
          (Math.random() - 0.5) * c.memTarget * 0.004 * Math.sqrt(dt);
        if (c.memLimit) c.mem = Math.min(c.mem, c.memLimit * 0.95);
        c.mem = Math.max(c.mem, 1024 * 1024);
        // logs: ~2-3 lines a second (none for quiet images)
        if (c.profile.quiet) continue;
        while (c.lastLogAt + 400 <= now) {
          c.lastLogAt += 150 + Math.random() * 500;
          if (c.lastLogAt > now) break;
          this.appendLog(c, makeLogLine(c), c.lastLogAt);
        }
      }
    }
  }

  /** How long a container takes to write what its image writes (its start, e.g. a model download). */
  private diskRampMs(): number {
    return Math.min(10_000, Math.max(500, this.opts.podStartDelayMs * 10));
  }

  /**
   * Local-storage eviction: the usage of a pod's containers (writable layer, emptyDirs and logs) against
   * the sum of their ephemeral-storage limits, then each container against its own limit.
   */
  private evictOverStorage(now: number): void {
    for (const sim of this.pods.values()) {
      if (sim.evicted || !sim.containers.some((c) => c.diskLimit !== undefined)) continue;
      const pod = this.store.get(R.pod, sim.ns, sim.name);
      if (!pod) continue;
      let total = 0;
      for (const c of sim.containers) {
        if (c.state !== "running") continue;
        c.disk = diskBytes(c.profile, pod, c.spec, now - c.startedAt, this.diskRampMs()) + c.logBytes;
        total += c.disk;
      }
      const limits = sim.containers.filter((c) => c.diskLimit !== undefined);
      const podLimit = limits.reduce((a, c) => a + (c.diskLimit ?? 0), 0);
      let message: string | undefined;
      if (total > podLimit)
        message = `Pod ephemeral local storage usage exceeds the total limit of containers ${formatBytes(podLimit)}. `;
      else {
        const over = limits.find((c) => c.disk > (c.diskLimit ?? Number.POSITIVE_INFINITY));
        if (over)
          message = `Container ${over.name} exceeded its local ephemeral storage limit "${formatBytes(over.diskLimit ?? 0)}". `;
      }
      if (message) this.evict(sim, pod, message, now);
    }
  }

  private evict(sim: PodSim, pod: Obj, message: string, now: number): void {
    sim.evicted = message;
    for (const c of sim.containers) void this.stopApp(sim, c, pod);
    const host = sim.node;
    this.events.record(R.pod, pod, "Warning", "Evicted", message, "kubelet", { host });
    for (const c of sim.containers) {
      if (c.state === "running") {
        c.finishedAt = now;
        this.events.record(R.pod, pod, "Normal", "Killing", `Stopping container ${c.name}`, "kubelet", {
          fieldPath: `spec.containers{${c.name}}`,
          host,
        });
      }
      c.state = "evicted";
      c.nextAt = Number.POSITIVE_INFINITY;
      for (const s of c.subs) s.end();
      c.subs.clear();
    }
    this.writePodStatus(sim, now);
  }

  /** Current usage of a running container (cores, bytes). */
  usage(c: ContainerSim): { cpu: number; memory: number } {
    let cpu = c.cpuBase * c.cpuFrac + (c.servedRate ?? 0) * REQUEST_CPU_SECONDS;
    if (c.cpuLimit !== undefined) cpu = Math.min(cpu, c.cpuLimit * 0.95);
    return { cpu, memory: c.mem };
  }
}

/**
 * CPU time one HTTP request costs the container that answers it: 5 ms, about what a small web app
 * spends rendering a page (a static file costs nginx far less, a database query more). 100 requests a
 * second then use half a core, so a load test pushes a 250m container to its limit.
 */
const REQUEST_CPU_SECONDS = 0.005;

/** A byte count as the kubelet prints a quantity (binary suffix when exact). */
function formatBytes(n: number): string {
  for (const [suffix, f] of [
    ["Ti", 1024 ** 4],
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const)
    if (n >= f && Number.isInteger(n / f)) return `${n / f}${suffix}`;
  return String(Math.round(n));
}
