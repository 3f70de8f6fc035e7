// Kubelet: per-pod container state machines (image pull, start, crash loop with back-off),
// pod status written from them, container logs and simulated cpu/memory usage. The scheduler
// hands a bound pod over in scheduler.ts bind(); the registry tracks new pods with track().
// Image conventions (crashloop, pullerror, doesnotexist) are in README.md.
import { randomBytes } from "node:crypto";
import type { EventRecorder } from "./events";
import { R } from "./resources";
import type { Store } from "./store";
import { nowIso, type Obj, parseQuantity, templateHash } from "./util";
import { type ContainerSim, crashLines, makeLogLine, type PodSim, startupLines } from "./workload";

function normalizeImage(image: string): string {
  let img = image;
  if (!img.includes(":") && !img.includes("@")) img += ":latest";
  const first = img.split("/")[0] ?? "";
  if (!img.includes("/")) img = `docker.io/library/${img}`;
  else if (!first.includes(".") && !first.includes(":") && first !== "localhost") img = `docker.io/${img}`;
  return img;
}

const hex = (n: number) => randomBytes(n).toString("hex");

export class Kubelet {
  readonly pods = new Map<string, PodSim>(); // by pod uid

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly opts: { podStartDelayMs: number },
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
      containers: (pod.spec.containers ?? []).map((c: Obj) => this.newContainerSim(c)),
    };
  }
  private newContainerSim(c: Obj): ContainerSim {
    const image = String(c.image ?? "");
    const lower = image.toLowerCase();
    const mode =
      lower.includes("pullerror") || lower.includes("doesnotexist")
        ? "pull"
        : lower.includes("crashloop")
          ? "crash"
          : "ok";
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
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
      previous: [],
      subs: new Set(),
      lastLogAt: 0,
      cpuBase,
      cpuLimit: lim.cpu !== undefined ? parseQuantity(lim.cpu) : undefined,
      memLimit: lim.memory !== undefined ? parseQuantity(lim.memory) : undefined,
      cpuFrac: 0.1 + Math.random() * 0.3,
      mem: memBase * (0.1 + Math.random() * 0.1),
      memTarget: memBase * (0.35 + Math.random() * 0.35),
      port: c.ports?.[0]?.containerPort ?? 8080,
      backoffMs: 0,
    };
  }

  forgetPod(pod: Obj): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    for (const c of sim.containers) for (const s of c.subs) s.end();
    this.pods.delete(pod.metadata.uid);
  }

  syncPodImages(pod: Obj): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    for (const c of pod.spec.containers ?? []) {
      const cs = sim.containers.find((x) => x.name === c.name);
      if (cs && cs.specImage !== c.image) {
        const fresh = this.newContainerSim(c);
        Object.assign(cs, {
          specImage: fresh.specImage,
          image: fresh.image,
          mode: fresh.mode,
          state: "pulling",
          nextAt: Date.now() + this.startDelay() * 0.6,
          startAt: Date.now() + this.startDelay(),
        });
      }
    }
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
          case "pulled":
          case "crashbackoff":
            if (c.state === "crashbackoff")
              ev("Normal", "Pulled", `Container image "${c.specImage}" already present on machine`, c);
            c.state = "running";
            c.startedAt = now;
            c.lastLogAt = now;
            c.containerID = `containerd://${hex(32)}`;
            if (c.logs.length) c.previous = c.logs;
            c.logs = [];
            for (const line of startupLines(c)) this.appendLog(c, line, now);
            ev("Normal", "Created", `Created container ${c.name}`, c);
            ev("Normal", "Started", `Started container ${c.name}`, c);
            c.nextAt =
              c.mode === "crash"
                ? now + Math.max(150, this.opts.podStartDelayMs * 1.5)
                : Number.POSITIVE_INFINITY;
            changed = true;
            break;
          case "running":
            if (c.mode === "crash") {
              for (const line of crashLines(c)) this.appendLog(c, line, now);
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
            const term = {
              exitCode: 1,
              reason: "Error",
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
      x.status.phase = failed ? "Failed" : anyStarted ? "Running" : "Pending";
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
    if (c.logs.length > 5500) c.logs.splice(0, c.logs.length - 5000);
    for (const s of c.subs) s.line(line);
  }

  /** Periodic work: usage random walk and log lines for running containers. */
  tick(now: number, dtMs: number): void {
    const dt = dtMs / 1000;
    for (const sim of this.pods.values()) {
      for (const c of sim.containers) {
        if (c.state !== "running") continue;
        // cpu: smooth random walk between 10% and 70% of the request (capped by the limit)
        c.cpuFrac += (Math.random() - 0.5) * 0.15 * Math.sqrt(dt) + (0.35 - c.cpuFrac) * 0.02 * dt;
        c.cpuFrac = Math.min(0.7, Math.max(0.1, c.cpuFrac));
        // memory: grows towards a plateau with small noise
        c.mem +=
          (c.memTarget - c.mem) * Math.min(1, 0.05 * dt) +
          (Math.random() - 0.5) * c.memTarget * 0.004 * Math.sqrt(dt);
        if (c.memLimit) c.mem = Math.min(c.mem, c.memLimit * 0.95);
        c.mem = Math.max(c.mem, 1024 * 1024);
        // logs: ~2-3 lines a second
        while (c.lastLogAt + 400 <= now) {
          c.lastLogAt += 150 + Math.random() * 500;
          if (c.lastLogAt > now) break;
          this.appendLog(c, makeLogLine(c), c.lastLogAt);
        }
      }
    }
  }

  /** Current usage of a running container (cores, bytes). */
  usage(c: ContainerSim): { cpu: number; memory: number } {
    let cpu = c.cpuBase * c.cpuFrac;
    if (c.cpuLimit !== undefined) cpu = Math.min(cpu, c.cpuLimit * 0.95);
    return { cpu, memory: c.mem };
  }
}
