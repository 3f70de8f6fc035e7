import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSamples } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { saveLeaseStatus } from "@/lib/lease/lease-status-store";
import { createLiveStream } from "@/lib/lease/live-stream";
import { MetricsHub } from "@/lib/lease/metrics-hub";
import type { LeaseStatusView, LiveMessage } from "@/lib/lease/types";

// The live lease stream on an app process that does not run the metrics poller: everything the page
// shows (pods, events, endpoints and samples) comes from the database.

let handle: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => handle?.close());

const status: LeaseStatusView = {
  pods: [
    {
      name: "web-abc",
      phase: "Running",
      ready: true,
      readyContainers: 1,
      containers: 1,
      containerStatuses: [],
      restarts: 0,
      node: "n1",
      createdAt: null,
      reason: null,
      requests: { cpuMillis: 250, memoryBytes: 1 },
      limits: { cpuMillis: 250, memoryBytes: 1 },
    },
  ],
  events: [
    {
      type: "Normal",
      reason: "Started",
      message: "Started container web",
      object: "Pod/web-abc",
      count: 1,
      at: null,
    },
  ],
  endpoints: [{ name: "web", type: "ClusterIP", clusterIP: "10.0.0.1", ports: [], addresses: ["10.1.0.1"] }],
};

async function collect(stream: ReadableStream<Uint8Array>, until: (m: LiveMessage[]) => boolean) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const messages: LiveMessage[] = [];
  let buffer = "";
  const deadline = Date.now() + 10_000;
  while (!until(messages) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value);
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end < 0) break;
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (chunk.startsWith("data: ")) messages.push(JSON.parse(chunk.slice(6)));
    }
  }
  await reader.cancel();
  return messages;
}

describe("createLiveStream without the poller in this process", () => {
  it("sends the stored status (pods, events, endpoints) and the newest samples from the database", async () => {
    const at = new Date();
    await saveLeaseStatus({ db: handle.db, leaseId: "7", status, at });
    const sample = { leaseId: "7", pod: "web-abc", takenAt: at };
    await handle.db.insert(metricSamples).values([
      { ...sample, cpuMillis: 12, memoryBytes: 3_000_000 },
      { ...sample, container: "app", cpuMillis: 10, memoryBytes: 2_000_000 },
      { ...sample, container: "sidecar", cpuMillis: 2, memoryBytes: 1_000_000 },
    ]);
    const hub = new MetricsHub();
    const abort = new AbortController();
    const stream = createLiveStream({
      hub,
      db: handle.db,
      leaseId: "7",
      intervalMs: 100,
      signal: abort.signal,
    });
    const messages = await collect(
      stream,
      (m) => m.some((x) => x.type === "status") && m.some((x) => x.type === "sample"),
    );
    abort.abort();
    const sent = messages.find((m) => m.type === "status");
    expect(sent?.type === "status" && sent.status).toEqual(status);
    const sampled = messages.find((m) => m.type === "sample");
    expect(sampled?.type === "sample" && sampled.usage).toEqual([
      {
        pod: "web-abc",
        cpuMillis: 12,
        memoryBytes: 3_000_000,
        containers: [
          { container: "app", cpuMillis: 10, memoryBytes: 2_000_000 },
          { container: "sidecar", cpuMillis: 2, memoryBytes: 1_000_000 },
        ],
      },
    ]);
  });
});
