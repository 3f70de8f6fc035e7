// Helpers for the simulator's own tests.
import { request } from "node:https";
import type { SimCluster } from "./simulator";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  json: any;
}

export function raw(
  c: SimCluster,
  ca: string,
  method: string,
  path: string,
  opts?: { body?: unknown; token?: string | null; contentType?: string; accept?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body =
      opts?.body === undefined
        ? undefined
        : typeof opts.body === "string"
          ? opts.body
          : JSON.stringify(opts.body);
    const headers: Record<string, string> = {};
    const token = opts?.token === undefined ? c.adminToken : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = opts?.contentType ?? "application/json";
    if (opts?.accept) headers.accept = opts.accept;
    const req = request(`${c.server}${path}`, { method, ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Opens a streaming GET and collects newline-delimited chunks until closed or stop() is called. */
export function stream(c: SimCluster, ca: string, path: string, token?: string) {
  const lines: string[] = [];
  let buf = "";
  let ended = false;
  let status = 0;
  const req = request(
    `${c.server}${path}`,
    { method: "GET", ca, headers: { authorization: `Bearer ${token ?? c.adminToken}` }, agent: false },
    (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        buf += d;
        let i = buf.indexOf("\n");
        while (i >= 0) {
          lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
          i = buf.indexOf("\n");
        }
      });
      res.on("end", () => {
        ended = true;
      });
      res.on("error", () => {
        ended = true;
      });
    },
  );
  req.on("error", () => {
    ended = true;
  });
  req.end();
  return {
    lines,
    get ended() {
      return ended;
    },
    get status() {
      return status;
    },
    stop: () => req.destroy(),
  };
}

export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 5000,
  what = "condition",
): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
