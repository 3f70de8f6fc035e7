import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { DbHandle } from "@/db/client";
import { clusters } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { AppError } from "@/lib/errors";
import { makeTestCerts } from "@/lib/k8s/make-test-certs";
import type { ResolveHost } from "./resolve-cluster-identity";

// A cluster is listed once, however its URL is spelled: the duplicate check compares the resolved
// API server address and the CA, on a real database.

Object.assign(process.env, {
  KUBECONFIG_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
  ALLOW_PRIVATE_CLUSTER_ADDRESSES: "true",
});

const certs = makeTestCerts();
const otherCa = makeTestCerts();
const b64 = (s: string) => Buffer.from(s).toString("base64");
const alice = "0x00000000000000000000000000000000000000a1";
const bob = "0x00000000000000000000000000000000000000b0";

function kubeconfig(server: string, caPem = certs.caPem): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server, "certificate-authority-data": b64(caPem) } }],
    users: [{ name: "u", user: { token: "abc.def-123" } }],
    contexts: [{ name: "u@c", context: { cluster: "c", user: "u" } }],
    "current-context": "u@c",
  });
}

// Names the test's resolver knows, the way a provider's DNS would answer.
const resolve: ResolveHost = async (host) =>
  ({ localhost: ["::1", "127.0.0.1"], "k8s.alice.example": ["127.0.0.1"] })[host] ?? [];

let db: DbHandle;
let intake: typeof import("./submit-kubeconfig");

beforeAll(async () => {
  db = await createTestDb();
  intake = await import("./submit-kubeconfig");
});
afterAll(async () => {
  await db.close();
});

async function list(provider: string, server: string, caPem?: string): Promise<string> {
  const { validated, enc, identity } = await intake.intakeKubeconfig({
    db: db.db,
    address: provider,
    yaml: kubeconfig(server, caPem),
    resolve,
  });
  const [row] = await db.db
    .insert(clusters)
    .values({
      providerAddress: provider,
      name: "c",
      kubeconfigEnc: enc,
      server: validated.server,
      apiAddress: identity.apiAddress,
      caFingerprint: identity.caFingerprint,
    })
    .returning({ id: clusters.id });
  return row?.id ?? "";
}

async function conflict(provider: string, server: string, caPem?: string, replacing?: string) {
  try {
    await intake.intakeKubeconfig({
      db: db.db,
      address: provider,
      yaml: kubeconfig(server, caPem),
      resolve,
      replacing,
    });
    return null;
  } catch (error) {
    if (error instanceof AppError && error.code === "CONFLICT") return error.message;
    throw error;
  }
}

describe("intakeKubeconfig: one cluster, one listing", () => {
  it("refuses every other spelling of a listed cluster's API server", async () => {
    await list(alice, "https://127.0.0.1:16443");
    for (const server of [
      "https://127.0.0.1:16443", // the same URL
      "https://localhost:16443", // the case
      "https://LOCALHOST.:16443/",
      "https://[::ffff:127.0.0.1]:16443",
      "https://[::ffff:7f00:1]:16443",
      "https://k8s.alice.example:16443", // a DNS name for the same address
    ]) {
      expect(await conflict(bob, server), server).toBe("This cluster is already listed by another provider.");
      expect(await conflict(alice, server), server).toBe("You have already listed this cluster.");
    }
  });

  it("refuses the same cluster trusted through a CA bundle with an extra certificate", async () => {
    expect(await conflict(bob, "https://localhost:16443", `${otherCa.caPem}\n${certs.caPem}`)).toMatch(
      /already listed/,
    );
  });

  it("accepts another cluster on another port, or behind the same address with another CA", async () => {
    expect(await conflict(bob, "https://localhost:16444")).toBeNull();
    expect(await conflict(bob, "https://localhost:16443", otherCa.caPem)).toBeNull();
  });

  it("lets a provider replace its own cluster's kubeconfig with another spelling", async () => {
    const id = await list(alice, "https://127.0.0.1:16450");
    expect(await conflict(alice, "https://localhost:16450", undefined, id)).toBeNull();
    expect(await conflict(bob, "https://localhost:16450", undefined, "another-cluster")).toMatch(
      /already listed/,
    );
  });

  it("gives rows listed before identities one, and compares with it", async () => {
    const id = await list(alice, "https://localhost:16460");
    await db.db.update(clusters).set({ apiAddress: null, caFingerprint: null }).where(eq(clusters.id, id));
    expect(await conflict(bob, "https://127.0.0.1:16460")).toMatch(/already listed/);
    const [row] = await db.db.select().from(clusters).where(eq(clusters.id, id));
    expect(row?.apiAddress).toBe("127.0.0.1:16460");
    expect(row?.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("holds in the database too: a second row with the same identity is refused", async () => {
    const id = await list(alice, "https://127.0.0.1:16470");
    const [row] = await db.db.select().from(clusters).where(eq(clusters.id, id));
    const duplicate = await db.db
      .insert(clusters)
      .values({
        providerAddress: bob,
        name: "c",
        kubeconfigEnc: row?.kubeconfigEnc ?? "",
        server: "https://localhost:16470",
        apiAddress: row?.apiAddress,
        caFingerprint: row?.caFingerprint,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(intake.isDuplicateClusterError(duplicate)).toBe(true);
  });
});
