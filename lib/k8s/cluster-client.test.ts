import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { AppError } from "@/lib/errors";
import { createClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import { makeTestCerts } from "./make-test-certs";
import { simKubeconfig } from "./sim-test-client";
import { validateKubeconfig } from "./validate-kubeconfig";

let sim: Simulator;
const marker = join(tmpdir(), `kb-${randomBytes(6).toString("hex")}-pwned`);
const fifo = join(tmpdir(), `kb-${randomBytes(6).toString("hex")}-fifo`);
const readMarker = `${fifo}-was-read`;
let writer: ChildProcess;

beforeAll(async () => {
  sim = await startSimulator({ clusters: [{ name: "c", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }] });
  execFileSync("mkfifo", [fifo]);
  writer = spawn("sh", ["-c", `echo secret > '${fifo}' && touch '${readMarker}'`], { stdio: "ignore" });
});

afterAll(async () => {
  writer?.kill("SIGKILL");
  for (const f of [fifo, readMarker, marker]) rmSync(f, { force: true });
  await sim?.stop();
});

type Doc = {
  clusters: Array<{ cluster: Record<string, unknown> }>;
  users: Array<{ user: Record<string, unknown> }>;
};

/** The simulator's kubeconfig with its user/cluster entries changed. */
function variant(change: (doc: Doc) => void): string {
  const doc = parse(sim.cluster("c").kubeconfig()) as Doc;
  change(doc);
  return stringify(doc);
}

const exec = {
  command: "sh",
  args: ["-c", `touch ${marker}`],
  apiVersion: "client.authentication.k8s.io/v1",
};

describe("createClusterClient", () => {
  it("talks to the cluster with the validated kubeconfig only", async () => {
    const client = createClusterClient(simKubeconfig(sim.cluster("c")), { allowPrivate: true });
    try {
      expect((await client.version.getCode()).gitVersion).toMatch(/^v1\./);
      expect((await client.core.listNode({})).items).toHaveLength(1);
      expect(client.kubeConfig.getCurrentUser()?.exec).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("never runs a command or reads a file, whatever the kubeconfig says and whichever dev flags are on", async () => {
    const hostile = [
      variant((d) => {
        for (const u of d.users) u.user = { exec };
      }),
      variant((d) => {
        for (const u of d.users) u.user = { "auth-provider": { name: "oidc", config: { "cmd-path": "sh" } } };
      }),
      variant((d) => {
        for (const u of d.users) u.user = { tokenFile: fifo };
      }),
      variant((d) => {
        for (const u of d.users) u.user = { "client-certificate": fifo, "client-key": fifo };
      }),
      variant((d) => {
        for (const c of d.clusters) c.cluster = { ...c.cluster, "certificate-authority": fifo };
      }),
      variant((d) => {
        for (const u of d.users) u.user = { ...u.user, exec };
      }),
    ];
    for (const input of hostile)
      expect(() => validateKubeconfig(input, { allowPrivate: true, allowInsecure: true })).toThrow(AppError);

    // Accepted with the dev flags: insecure-skip-tls-verify without CA, private address. Build a client
    // from each and use it.
    const accepted = [
      variant((d) => {
        for (const c of d.clusters) {
          delete c.cluster["certificate-authority-data"];
          c.cluster["insecure-skip-tls-verify"] = true;
        }
      }),
      sim.cluster("c").kubeconfig(),
    ];
    for (const input of accepted) {
      const client = createClusterClient(
        validateKubeconfig(input, { allowPrivate: true, allowInsecure: true }),
        { allowPrivate: true, allowInsecure: true },
      );
      try {
        expect((await client.core.listNode({})).items).toHaveLength(1);
      } finally {
        await client.close();
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(readMarker)).toBe(false);
  });

  it("does not skip TLS verification for a stored kubeconfig once the dev flag is off", () => {
    const kc = { ...simKubeconfig(sim.cluster("c")), insecureSkipTlsVerify: true };
    expect(() => createClusterClient(kc, { allowPrivate: true })).toThrow(/skips TLS verification/);
  });

  it("turns a wrong token into a clear 401 error", async () => {
    const client = createClusterClient(simKubeconfig(sim.cluster("c"), "wrong-token"), {
      allowPrivate: true,
    });
    try {
      const error = toClusterError(await client.core.listNode({}).catch((e) => e), "list nodes");
      expect(error.message).toMatch(/rejected KubeBid's credentials \(401 Unauthorized\)/);
      expect(error.details).toEqual({ reason: "unauthorized", status: 401 });
    } finally {
      await client.close();
    }
  });

  it("refuses a server whose certificate the CA did not sign", async () => {
    const otherCa = Buffer.from(makeTestCerts().caPem).toString("base64");
    const kc = { ...simKubeconfig(sim.cluster("c")), caData: otherCa };
    const client = createClusterClient(kc, { allowPrivate: true });
    try {
      const error = toClusterError(await client.core.listNode({}).catch((e) => e));
      expect(error.details).toEqual({ reason: "tls" });
      expect(error.message).toMatch(/TLS verification/);
    } finally {
      await client.close();
    }
  });

  it("refuses private addresses at connect time unless allowed (DNS names included)", async () => {
    const kc = simKubeconfig(sim.cluster("c"));
    expect(() => createClusterClient(kc)).toThrow(/private address/);
    // A name that resolves to loopback passes the literal check and is caught at connect time.
    const byName = { ...kc, server: kc.server.replace("127.0.0.1", "localhost"), tlsServerName: "localhost" };
    const client = createClusterClient(byName);
    try {
      const error = toClusterError(await client.core.listNode({}).catch((e) => e));
      expect(error.details).toEqual({ reason: "private_address" });
    } finally {
      await client.close();
    }
  });

  it("follows no redirect and reads no unbounded response", async () => {
    // A hostile "API server": redirects to the metadata address, or answers with an endless body.
    const { createServer } = await import("node:https");
    const { caPem, serverCert, serverKey } = await import("@/dev/k8s-sim/certs").then((m) => ({
      ...m.sharedCerts(),
      caPem: m.sharedCerts().caCert,
    }));
    let redirectFollowed = false;
    const server = createServer({ cert: serverCert, key: serverKey }, (req, res) => {
      if (req.url?.startsWith("/redirect")) {
        // (A real attack would point at http://169.254.169.254/; here the target is observable.)
        res.writeHead(302, { location: "/followed" }).end();
      } else if (req.url?.startsWith("/huge") || req.url?.startsWith("/api/v1/nodes")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"items":["');
        const chunk = "x".repeat(64 * 1024);
        const pump = () => {
          while (res.write(chunk)) {}
          res.once("drain", pump);
        };
        pump();
        res.on("close", () => res.removeAllListeners("drain"));
      } else {
        redirectFollowed = true;
        res.end("{}");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const client = createClusterClient(
      {
        server: `https://127.0.0.1:${port}`,
        caData: Buffer.from(caPem).toString("base64"),
        auth: { token: "t" },
        clusterName: "x",
        userName: "x",
        contextName: "x",
      },
      { allowPrivate: true, maxResponseBytes: 1024 * 1024 },
    );
    try {
      const redirect = toClusterError(await client.requestJson("/redirect").catch((e) => e));
      expect(redirect.code).toBe("UPSTREAM_UNAVAILABLE");
      expect(redirectFollowed).toBe(false);
      const huge = toClusterError(await client.requestJson("/huge").catch((e) => e));
      expect(huge.message).toMatch(/too large/);
      // The typed handles go through the same bounded reader.
      const hugeTyped = toClusterError(await client.core.listNode({}).catch((e) => e));
      expect(hugeTyped.message).toMatch(/too large/);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("gives up on a stopped cluster quickly", async () => {
    const c = sim.cluster("c");
    const client = createClusterClient(simKubeconfig(c), { allowPrivate: true, timeoutMs: 1000 });
    await c.stop();
    try {
      const started = Date.now();
      const error = toClusterError(await client.core.listNode({}).catch((e) => e), "list nodes");
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error.details).toMatchObject({ reason: expect.stringMatching(/unreachable|timeout/) });
      expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    } finally {
      await client.close();
      await c.start();
    }
  });
});
