import { describe, expect, it } from "vitest";
import { containerOutcome, diskBytes, IMAGES, imageProfile, UNKNOWN_IMAGE } from "./images";
import type { Obj } from "./util";

const pod = (container: Obj, podSc: Obj = {}, extra: Obj = {}): [Obj, Obj] => {
  const c = { name: "app", ...container };
  return [
    {
      metadata: { name: "p", namespace: "ns", uid: "u-1" },
      spec: { securityContext: podSc, containers: [c], ...extra },
    },
    c,
  ];
};
const outcome = (container: Obj, podSc: Obj = {}, extra: Obj = {}) =>
  containerOutcome(...pod(container, podSc, extra));
// What KubeBid's lease pods get (lib/k8s/build-lease-objects.ts): all capabilities dropped but a short list.
const leaseCaps = {
  drop: ["ALL"],
  add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"],
};

describe("image model rows", () => {
  it.each([
    ["nginx:1.27", "docker.io/library/nginx", 0, ""],
    ["nginxinc/nginx-unprivileged:1.27", "docker.io/nginxinc/nginx-unprivileged", 101, "101"],
    ["postgres:16", "docker.io/library/postgres", 0, ""],
    ["redis:7", "docker.io/library/redis", 0, ""],
    ["busybox:1.36", "docker.io/library/busybox", 0, ""],
    ["alpine", "docker.io/library/alpine", 0, ""],
    ["python:3.13-slim", "docker.io/library/python", 0, ""],
    ["node:22", "docker.io/library/node", 0, ""],
    ["quay.io/jupyter/scipy-notebook:2024-10-07", "quay.io/jupyter/*", 1000, "1000"],
    ["jupyter/base-notebook", "docker.io/jupyter/*", 1000, "1000"],
    ["vllm/vllm-openai:v0.6.3", "docker.io/vllm/vllm-openai", 0, ""],
    ["ollama/ollama", "docker.io/ollama/ollama", 0, ""],
    ["httpd:2.4", "docker.io/library/httpd", 0, ""],
    ["mysql:8.4", "docker.io/library/mysql", 0, ""],
    ["mongo:7", "docker.io/library/mongo", 0, ""],
    ["grafana/grafana:11.3.0", "docker.io/grafana/grafana", 472, "472"],
    ["prom/prometheus:v2.55.0", "docker.io/prom/prometheus", 65534, "nobody"],
    ["caddy:2", "docker.io/library/caddy", 0, ""],
    ["traefik:v3.2", "docker.io/library/traefik", 0, ""],
    ["registry.k8s.io/pause:3.10", "registry.k8s.io/pause", 65535, "65535:65535"],
    ["registry.k8s.io/coredns/coredns:v1.11.3", "registry.k8s.io/coredns/coredns", 65532, "nonroot:nonroot"],
  ])("%s runs as %s's user", (image, repo, uid, user) => {
    const p = imageProfile(image);
    expect(p.repos).toContain(repo);
    expect(p.uid).toBe(uid);
    expect(p.user).toBe(user);
    expect(p.source).toMatch(/^https:\/\//);
  });

  it("counts unknown images as root and writing", () => {
    const p = imageProfile("ghcr.io/acme/web:1.0");
    expect(p).toBe(UNKNOWN_IMAGE);
    expect(p.uid).toBe(0);
    expect(p.writes.length).toBeGreaterThan(0);
    expect(p.diskMiB).toBeGreaterThan(0);
  });

  it("every row cites where its facts come from and covers distinct repositories", () => {
    const repos = IMAGES.flatMap((p) => p.repos);
    expect(new Set(repos).size).toBe(repos.length);
    for (const p of IMAGES) expect(p.source.length).toBeGreaterThan(20);
  });
});

describe("containerOutcome", () => {
  it("runAsNonRoot with a root image and no runAsUser: the kubelet's CreateContainerConfigError", () => {
    expect(outcome({ image: "nginx:1.27" }, { runAsNonRoot: true })).toMatchObject({
      kind: "config",
      message: 'container has runAsNonRoot and image will run as root (pod: "p_ns(u-1)", container: app)',
    });
    // an unknown image counts as root
    expect(outcome({ image: "ghcr.io/acme/web:1", securityContext: { runAsNonRoot: true } })).toMatchObject({
      kind: "config",
    });
    // a named USER cannot be verified
    expect(outcome({ image: "prom/prometheus" }, { runAsNonRoot: true })).toMatchObject({
      kind: "config",
      message:
        'container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "p_ns(u-1)", container: app)',
    });
    expect(outcome({ image: "nginx", securityContext: { runAsNonRoot: true, runAsUser: 0 } })).toMatchObject({
      kind: "config",
      message: 'container\'s runAsUser breaks non-root policy (pod: "p_ns(u-1)", container: app)',
    });
    // a numeric non-root USER, or an explicit runAsUser, passes
    expect(outcome({ image: "quay.io/jupyter/scipy-notebook:2024-10-07" }, { runAsNonRoot: true }).kind).toBe(
      "run",
    );
    expect(
      outcome({ image: "busybox", command: ["sleep", "1d"] }, { runAsNonRoot: true, runAsUser: 1000 }).kind,
    ).toBe("run");
  });

  it("a read-only root filesystem crashes images that write to it, with their own error", () => {
    const ro = outcome({ image: "nginx:1.27", securityContext: { readOnlyRootFilesystem: true } });
    expect(ro.kind).toBe("crash");
    expect(ro.kind === "crash" && ro.lines).toContain(
      'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)',
    );
    // volumes over the paths it writes make it work
    const mounted = outcome({
      image: "nginx:1.27",
      securityContext: { readOnlyRootFilesystem: true },
      volumeMounts: [
        { name: "cache", mountPath: "/var/cache/nginx" },
        { name: "run", mountPath: "/var/run" },
      ],
    });
    expect(mounted.kind).toBe("run");
    // nginx-unprivileged writes only to /tmp
    const unpriv = (mounts: Obj[]) =>
      outcome({
        image: "nginxinc/nginx-unprivileged:1.27",
        securityContext: { readOnlyRootFilesystem: true },
        volumeMounts: mounts,
      }).kind;
    expect(unpriv([{ name: "tmp", mountPath: "/tmp" }])).toBe("run");
    expect(unpriv([])).toBe("crash");
    const jupyter = outcome({
      image: "quay.io/jupyter/scipy-notebook:2024-10-07",
      securityContext: { readOnlyRootFilesystem: true },
    });
    expect(jupyter.kind === "crash" && jupyter.lines.join("\n")).toContain(
      "PermissionError: [Errno 30] Read-only file system: '/home/jovyan/.local'",
    );
    // images that write nothing do not care
    expect(outcome({ image: "busybox", securityContext: { readOnlyRootFilesystem: true } }).kind).toBe("run");
  });

  it("root images with the capabilities they need dropped fail as the real ones do", () => {
    const noCaps = outcome({ image: "nginx:1.27", securityContext: { capabilities: { drop: ["ALL"] } } });
    expect(noCaps.kind === "crash" && noCaps.lines.join("\n")).toContain(
      'nginx: [emerg] chown("/var/cache/nginx/client_temp", 101) failed (1: Operation not permitted)',
    );
    const noBind = outcome({
      image: "nginx:1.27",
      securityContext: { capabilities: { drop: ["ALL"], add: ["CHOWN", "SETUID", "SETGID"] } },
    });
    expect(noBind.kind === "crash" && noBind.lines.join("\n")).toContain(
      "nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)",
    );
    const pg = outcome({ image: "postgres:16", securityContext: { capabilities: { drop: ["ALL"] } } });
    expect(pg.kind === "crash" && pg.lines[0]).toMatch(
      /chown: changing ownership of '\/var\/lib\/postgresql\/data'/,
    );
    // KubeBid's allow-list is enough for every root image in the table
    for (const p of IMAGES.filter((x) => x.uid === 0)) {
      const image = p.repos[0]!.replace("docker.io/library/", "").replace("docker.io/", "");
      expect([image, outcome({ image, securityContext: { capabilities: leaseCaps } }).kind]).toEqual([
        image,
        "run",
      ]);
    }
  });

  it("non-root users fail where the image needs root or owns its paths", () => {
    const nginx = outcome({ image: "nginx:1.27", securityContext: { runAsUser: 101 } });
    expect(nginx.kind === "crash" && nginx.lines.join("\n")).toContain(
      'mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)',
    );
    const httpd = outcome({ image: "httpd:2.4", securityContext: { runAsUser: 1000 } });
    expect(httpd.kind === "crash" && httpd.lines[0]).toBe(
      "(13)Permission denied: AH00072: make_sock: could not bind to address 0.0.0.0:80",
    );
    // postgres as an arbitrary uid: it cannot chmod the image's data directory …
    const pg = outcome({ image: "postgres:16", securityContext: { runAsUser: 1000 } });
    expect(pg.kind === "crash" && pg.lines.join("\n")).toContain(
      'initdb: error: could not change permissions of directory "/var/lib/postgresql/data": Operation not permitted',
    );
    // … but a PGDATA below it (created by that user) works, as in the docker-library docs
    expect(
      outcome({
        image: "postgres:16",
        env: [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }],
        securityContext: { runAsUser: 1000 },
      }).kind,
    ).toBe("run");
    // grafana's data directory belongs to 472
    expect(outcome({ image: "grafana/grafana", securityContext: { runAsUser: 1000 } }).kind).toBe("crash");
    expect(outcome({ image: "grafana/grafana", securityContext: { runAsUser: 472 } }).kind).toBe("run");
    // coredns binds :53 as non-root through the file capability, unless it is dropped
    expect(
      outcome({
        image: "registry.k8s.io/coredns/coredns:v1.11.3",
        securityContext: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
      }).kind,
    ).toBe("run");
    expect(
      outcome({
        image: "registry.k8s.io/coredns/coredns:v1.11.3",
        securityContext: { capabilities: { drop: ["ALL"] } },
      }).kind,
    ).toBe("crash");
  });

  it("disk usage grows to the row's figure, and not for data on a PersistentVolumeClaim", () => {
    const vllm = imageProfile("vllm/vllm-openai:v0.6.3");
    const [p, c] = pod({ image: "vllm/vllm-openai:v0.6.3" });
    expect(diskBytes(vllm, p, c, 0, 1000)).toBe(0);
    expect(diskBytes(vllm, p, c, 500, 1000)).toBe(vllm.diskMiB * 1024 * 1024 * 0.5);
    expect(diskBytes(vllm, p, c, 5000, 1000)).toBe(vllm.diskMiB * 1024 * 1024);
    const [pp, pc] = pod(
      {
        image: "vllm/vllm-openai:v0.6.3",
        volumeMounts: [{ name: "hf", mountPath: "/root/.cache/huggingface" }],
      },
      {},
      { volumes: [{ name: "hf", persistentVolumeClaim: { claimName: "hf" } }] },
    );
    expect(diskBytes(vllm, pp, pc, 5000, 1000)).toBe(0);
  });
});
