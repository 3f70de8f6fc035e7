import "server-only";
import { PassThrough, Writable } from "node:stream";
import type { V1Pod, V1Status } from "@kubernetes/client-node";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { leases } from "@/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { leaseNamespace } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { checkLeaseAccess } from "./lease-access";

// A tenant's interactive shell in one of its lease's containers (`sh` on a tty through pods/exec).
// Only the lease's tenant may open one, only while the lease is active and its workload runs, and
// only in the lease's own namespace: the browser names a pod and a container, never a namespace,
// and both must be in that namespace's pod list.

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What the browser asks for when it opens a shell (the query of the WebSocket URL). */
export const shellRequestSchema = z.object({
  pod: z.string().max(253).regex(dnsSubdomain, "not a pod name"),
  container: z.string().max(63).regex(dnsLabel, "not a container name"),
  cols: z.coerce.number().int().min(2).max(500).default(80),
  rows: z.coerce.number().int().min(1).max(200).default(24),
});
export type ShellRequest = z.infer<typeof shellRequestSchema>;

export interface ShellEnd {
  /** The shell's exit status, or null when it did not exit by itself (refused, dropped). */
  code: number | null;
  message: string;
}

export interface LeaseShell {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** Whether a lease may have a shell opened (or kept open) now; the reason as an AppError when not. */
export function assertShellAllowed(
  lease: { status: string; deployState: string; clusterId: string | null } | undefined,
) {
  if (!lease) throw new AppError("NOT_FOUND", "No such lease.");
  if (lease.status !== "active") throw new AppError("CONFLICT", "This lease has ended.");
  if (lease.deployState !== "running" || !lease.clusterId)
    throw new AppError("CONFLICT", "This lease has no running workload.");
}

/** Re-checked while a shell is open: a lease that ends (or stops running) closes it. */
export async function assertShellStillAllowed({ db, leaseId }: { db: Db; leaseId: string }): Promise<void> {
  const [lease] = await db
    .select({ status: leases.status, deployState: leases.deployState, clusterId: leases.clusterId })
    .from(leases)
    .where(eq(leases.id, leaseId));
  assertShellAllowed(lease);
}

/** The exit status a Status carries (Success → 0, NonZeroExitCode → its ExitCode cause). */
export function exitCodeOf(status: V1Status): number | null {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  return cause !== undefined && /^\d+$/.test(cause) ? Number(cause) : null;
}

/** A tty-like output stream: client-node sends the terminal size on start and on each `resize`. */
class TerminalOutput extends Writable {
  rows: number;
  columns: number;
  constructor(
    private readonly onData: (chunk: Buffer) => void,
    size: { cols: number; rows: number },
  ) {
    super();
    this.rows = size.rows;
    this.columns = size.cols;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.onData(chunk);
    cb();
  }
}

export async function openLeaseShell(opts: {
  db: Db;
  leaseId: string;
  address: string | null;
  request: ShellRequest;
  clientFor(clusterId: string): Promise<ClusterClient>;
  onOutput(data: Buffer): void;
  onEnd(end: ShellEnd): void;
}): Promise<LeaseShell> {
  const access = await checkLeaseAccess({ db: opts.db, leaseId: opts.leaseId, address: opts.address });
  if (!access.ok) {
    if (access.reason === "unauthenticated")
      throw new AppError("UNAUTHORIZED", "Sign in with your wallet first.");
    if (access.reason === "not_found") throw new AppError("NOT_FOUND", "No such lease.");
    throw new AppError("FORBIDDEN", "Only the lease's tenant can open a shell in it.");
  }
  if (access.role !== "tenant")
    throw new AppError("FORBIDDEN", "Only the lease's tenant can open a shell in it.");
  const { lease } = access;
  assertShellAllowed(lease);
  const { pod, container, cols, rows } = opts.request;
  const namespace = leaseNamespace(lease.id);
  let client: ClusterClient;
  let found: V1Pod | undefined;
  try {
    client = await opts.clientFor(lease.clusterId!);
    const list = await client.core.listNamespacedPod({ namespace, fieldSelector: `metadata.name=${pod}` });
    found = list.items.find((p) => p.metadata?.name === pod);
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError("UPSTREAM_UNAVAILABLE", "The provider's cluster did not answer.", { cause: error });
  }
  if (!found) throw new AppError("NOT_FOUND", `No pod ${pod} in this lease.`);
  if (!found.spec?.containers.some((c) => c.name === container))
    throw new AppError("NOT_FOUND", `Pod ${pod} has no container ${container}.`);

  const stdin = new PassThrough();
  const stdout = new TerminalOutput(opts.onOutput, { cols, rows });
  let ended = false;
  const end = (e: ShellEnd) => {
    if (ended) return;
    ended = true;
    opts.onEnd(e);
  };
  let connection: { close(): void };
  try {
    connection = await client.podExec(namespace, pod, {
      container,
      command: ["sh"],
      tty: true,
      stdin,
      stdout,
      stderr: null,
      onStatus: (status) => {
        const code = exitCodeOf(status);
        end({
          code,
          message:
            code === null
              ? (status.message ?? "The shell could not run.")
              : `The shell exited (code ${code}).`,
        });
      },
      onClose: () => end({ code: null, message: "The connection to the container closed." }),
    });
  } catch (error) {
    const body = (error as { body?: { message?: string } }).body;
    throw new AppError(
      "UPSTREAM_UNAVAILABLE",
      body?.message
        ? `The cluster refused the shell: ${body.message}`
        : "The provider's cluster did not answer.",
      { cause: error },
    );
  }
  return {
    write: (data) => {
      if (!ended) stdin.write(data);
    },
    resize: (c, r) => {
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit("resize");
    },
    close: () => {
      ended = true;
      stdin.end();
      connection.close();
    },
  };
}
