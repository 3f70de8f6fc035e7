import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { Lease } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { getLeaseStatus } from "@/lib/lease/get-lease-status";
import { MetricsHub } from "@/lib/lease/metrics-hub";
import type { LeaseStatusView } from "@/lib/lease/types";

// A closed lease answers from its row: no pod, no endpoint, no event, even while the hub still holds
// the last live status from before the teardown.

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const running: LeaseStatusView = {
  pods: [
    {
      name: "web-0",
      phase: "Running",
      ready: true,
      readyContainers: 1,
      containers: 1,
      containerStatuses: [],
      restarts: 0,
      node: "n1",
      createdAt: null,
      reason: null,
      requests: { cpuMillis: 250, memoryBytes: 256 * 2 ** 20 },
      limits: { cpuMillis: 250, memoryBytes: 256 * 2 ** 20 },
    },
  ],
  events: [
    { type: "Normal", reason: "Started", message: "started", object: "Pod/web-0", count: 1, at: null },
  ],
  endpoints: [{ name: "web", type: "ClusterIP", clusterIP: "10.0.0.1", ports: [], addresses: [] }],
};

const lease = (over: Partial<Lease>): Lease => ({
  id: "7",
  orderId: "7",
  tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
  provider: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  pricePerHour: "1000000",
  deposit: "10000000",
  withdrawn: "0",
  feeBps: 0,
  startedAt: new Date(),
  endsAt: null,
  closedAt: null,
  closeReason: null,
  status: "active",
  specHash: null,
  specRevision: 0,
  closedBy: null,
  settledAt: null,
  attestedAt: null,
  startDeadline: null,
  attestedSpecHash: null,
  downtimeSeconds: 0,
  slaRefunded: "0",
  unstartedRefund: null,
  unstartedSlash: null,
  clusterId: "00000000-0000-4000-8000-000000000001",
  deployState: "running",
  deployError: null,
  namespace: "kb-lease-7",
  createdBlock: 1n,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...over,
});

describe("getLeaseStatus", () => {
  it("serves the poller's fresh status while the lease is active", async () => {
    const hub = new MetricsHub();
    hub.publish("7", { type: "status", at: new Date().toISOString(), status: running });
    const { status } = await getLeaseStatus({ db: handle.db, lease: lease({}), hub, freshMs: 60_000 });
    expect(status.pods.map((p) => p.phase)).toEqual(["Running"]);
  });

  it.each([
    ["closed, workload still up", { status: "closed" as const, closedAt: new Date() }],
    ["closed and torn down", { status: "closed" as const, deployState: "torn_down" as const }],
    ["torn down", { deployState: "torn_down" as const }],
  ])("shows nothing running once %s, whatever the hub last saw", async (_, over) => {
    const hub = new MetricsHub();
    hub.publish("7", { type: "status", at: new Date().toISOString(), status: running });
    const { status } = await getLeaseStatus({ db: handle.db, lease: lease(over), hub, freshMs: 60_000 });
    expect(status).toEqual({ pods: [], events: [], endpoints: [] });
  });
});
