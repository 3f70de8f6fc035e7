import "server-only";
import { isIP } from "node:net";
import type { Readable, Writable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createSecureContext } from "node:tls";
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  createConfiguration,
  Exec,
  KubeConfig,
  NetworkingV1Api,
  type RequestBody,
  type RequestContext,
  ResponseContext,
  type SecurityAuthentication,
  ServerConfiguration,
  type V1Status,
  VersionApi,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
// undici is what @kubernetes/client-node itself sends with (pinned by the root `overrides`); we use it
// directly so every request shares one connection pool per cluster and carries a timeout.
import { Agent, fetch } from "undici";
import WebSocket from "ws";
import { AppError } from "@/lib/errors";
import { guardedLookup, isPrivateAddress } from "./is-private-address";
import type { ValidatedKubeconfig } from "./validate-kubeconfig";

// A client for one provider cluster, built only from a ValidatedKubeconfig (never from a raw
// kubeconfig, whose exec/auth-provider/file fields client-node would honour). Differences from
// `kc.makeApiClient()` that matter here:
// - every request has a deadline (default 10 s): a cluster that hangs must not hang a request or the
//   inventory loop;
// - one undici Agent (connection pool) per client, where client-node opens a new one per request;
// - unless allowPrivate, the connection is refused when the server's name resolves to a private
//   address at connect time (the kubeconfig check only sees the name: DNS rebinding).

export interface ClusterClientOptions {
  /** Deadline of each request, headers and body (default 10 000 ms). Streams: until headers. */
  timeoutMs?: number;
  /** Largest response body read into memory (default 64 MiB); streams are not limited. */
  maxResponseBytes?: number;
  /** Connect to loopback/private addresses (dev, tests, the simulator). */
  allowPrivate?: boolean;
  /**
   * Honour a stored `insecureSkipTlsVerify` (dev flag ALLOW_INSECURE_CLUSTERS). Checked here too, so
   * turning the flag off stops insecure connections even for kubeconfigs accepted while it was on.
   */
  allowInsecure?: boolean;
}

export interface RawRequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  /** Serialised as JSON unless already a string. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's deadline for this request. */
  timeoutMs?: number;
}

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  follow?: boolean;
  sinceSeconds?: number;
  timestamps?: boolean;
  previous?: boolean;
  limitBytes?: number;
  signal?: AbortSignal;
}

export interface PodExecOptions {
  container: string;
  command: string[];
  tty: boolean;
  stdin: Readable | null;
  /** With `rows` and `columns` and `resize` events (like a tty WriteStream), the terminal's size follows it. */
  stdout: Writable;
  stderr: Writable | null;
  /** The command's end: a metav1.Status (Success, or Failure with an ExitCode cause). */
  onStatus(status: V1Status): void;
  /** The connection closed (after the status, or without one when it dropped). */
  onClose?(): void;
}

export interface ContainerUsage {
  name: string;
  usage: { cpu?: string; memory?: string };
}

export interface PodMetricsItem {
  metadata: { name: string; namespace: string };
  timestamp?: string;
  window?: string;
  containers: ContainerUsage[];
}

export interface ClusterClient {
  readonly server: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly networking: NetworkingV1Api;
  readonly authorization: AuthorizationV1Api;
  readonly version: VersionApi;
  /** For client-node helpers that need one (Watch, Exec); built from the validated fields only. */
  readonly kubeConfig: KubeConfig;
  /** A JSON request to any API path; non-2xx throws ApiException like the typed handles do. */
  requestJson<T>(path: string, opts?: RawRequestOptions): Promise<T>;
  /** The response body as a stream (logs); the deadline applies until the response headers. */
  requestStream(path: string, opts?: RawRequestOptions): Promise<ReadableStream<Uint8Array>>;
  /** metrics.k8s.io pod metrics of a namespace (throws ApiException 404/503 when there is no metrics API). */
  podMetrics(namespace: string, opts?: { signal?: AbortSignal }): Promise<PodMetricsItem[]>;
  /** Raw container log bytes. */
  podLogs(namespace: string, pod: string, opts?: PodLogOptions): Promise<ReadableStream<Uint8Array>>;
  /**
   * Runs a command in a container over WebSocket (remotecommand v5/v4), through this client's TLS
   * settings and private-address guard. Resolves with the open connection once the upgrade succeeded;
   * a refusal rejects with an ApiException carrying the server's Status.
   */
  podExec(namespace: string, pod: string, opts: PodExecOptions): Promise<{ close(): void }>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Reads a whole body, refusing more than `max` bytes: the server is the provider's, not ours. */
async function readBounded(
  body: NodeReadableStream<Uint8Array> | null,
  max: number,
  declared: string | null,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  if (declared && Number(declared) > max) {
    await body.cancel().catch(() => {});
    throw Object.assign(new Error(`response of ${declared} bytes exceeds the ${max}-byte limit`), {
      code: "ERESPONSETOOLARGE",
    });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw Object.assign(new Error(`response exceeds the ${max}-byte limit`), { code: "ERESPONSETOOLARGE" });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function decode(b64: string): string {
  return Buffer.from(b64, "base64").toString("utf8");
}

function buildKubeConfig(kc: ValidatedKubeconfig): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: kc.clusterName,
        server: kc.server,
        caData: kc.caData,
        tlsServerName: kc.tlsServerName,
        skipTLSVerify: kc.insecureSkipTlsVerify === true,
      },
    ],
    users: [
      "token" in kc.auth
        ? { name: kc.userName, token: kc.auth.token }
        : { name: kc.userName, certData: kc.auth.clientCertData, keyData: kc.auth.clientKeyData },
    ],
    contexts: [{ name: kc.contextName, cluster: kc.clusterName, user: kc.userName }],
    currentContext: kc.contextName,
  });
  return config;
}

function deadline(timeoutMs: number, signal?: AbortSignal | null): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

export function createClusterClient(kc: ValidatedKubeconfig, opts: ClusterClientOptions = {}): ClusterClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const allowPrivate = opts.allowPrivate ?? false;
  const url = new URL(kc.server);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "https:") throw new AppError("INVALID_KUBECONFIG", "The server must use https://.");
  if (kc.insecureSkipTlsVerify && !opts.allowInsecure)
    throw new AppError(
      "INVALID_KUBECONFIG",
      "This cluster's kubeconfig skips TLS verification, which is not allowed here. Upload it again with certificate-authority-data.",
      { details: { field: "cluster.insecure-skip-tls-verify" } },
    );
  if (!allowPrivate && isIP(host) && isPrivateAddress(host))
    throw new AppError("UPSTREAM_UNAVAILABLE", "The cluster's API server has a private address.", {
      details: { reason: "private_address" },
    });

  // One TLS context per client: building it (parsing the CA and key) per connection was most of the
  // CPU of an inventory pass.
  const secureContext = createSecureContext({
    ca: kc.caData ? decode(kc.caData) : undefined,
    ...("clientCertData" in kc.auth
      ? { cert: decode(kc.auth.clientCertData), key: decode(kc.auth.clientKeyData) }
      : {}),
  });
  const agent = new Agent({
    connect: {
      secureContext,
      servername: kc.tlsServerName ?? (isIP(host) ? undefined : host),
      rejectUnauthorized: kc.insecureSkipTlsVerify !== true,
      timeout: timeoutMs,
      ...(allowPrivate ? {} : { lookup: guardedLookup as never }),
    },
    headersTimeout: timeoutMs,
    // Streams (log follow) may idle for long; non-stream requests are bounded by their AbortSignal.
    bodyTimeout: 0,
    keepAliveTimeout: 30_000,
    connections: 8,
  });
  const authorization = "token" in kc.auth ? `Bearer ${kc.auth.token}` : undefined;

  const auth: SecurityAuthentication = {
    getName: () => "kubebid-validated-kubeconfig",
    applySecurityAuthentication(context: RequestContext) {
      if (authorization) context.setHeaderParam("Authorization", authorization);
    },
  };

  const httpApi = wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const signal = deadline(timeoutMs, request.getSignal());
      const response = await fetch(request.getUrl(), {
        method: request.getHttpMethod(),
        headers: request.getHeaders(),
        body: request.getBody() as Exclude<RequestBody, URLSearchParams | object> | undefined,
        signal,
        dispatcher: agent,
        // The API never redirects; following one could lead to an address the private-address guard
        // does not see (an IP literal) or to another origin.
        redirect: "error",
      });
      // Read the body now, under the same deadline, so a server that stalls mid-body is cut off too.
      const buffer = await readBounded(response.body, maxBytes, response.headers.get("content-length"));
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return new ResponseContext(response.status, headers, {
        text: async () => buffer.toString("utf8"),
        binary: async () => buffer,
        stream: () => null,
      });
    },
  });

  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(kc.server, {}),
    authMethods: { default: auth },
    httpApi,
  });

  function buildUrl(path: string, query?: RawRequestOptions["query"]): string {
    const u = new URL(kc.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async function send(path: string, o: RawRequestOptions, signal: AbortSignal) {
    const headers: Record<string, string> = { Accept: "application/json, */*" };
    if (authorization) headers.Authorization = authorization;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
      headers["Content-Type"] = o.contentType ?? "application/json";
    }
    const response = await fetch(buildUrl(path, o.query), {
      method: o.method ?? "GET",
      headers,
      body,
      signal,
      dispatcher: agent,
      redirect: "error",
    });
    if (response.status < 200 || response.status >= 300) {
      const text = (await readBounded(response.body, 64 * 1024, null).catch(() => Buffer.alloc(0))).toString(
        "utf8",
      );
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      const headersObj: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headersObj[name] = value;
      });
      throw new ApiException(response.status, `HTTP ${response.status} from ${path}`, parsed, headersObj);
    }
    return response;
  }

  async function requestJson<T>(path: string, o: RawRequestOptions = {}): Promise<T> {
    const response = await send(path, o, deadline(o.timeoutMs ?? timeoutMs, o.signal));
    const body = await readBounded(response.body, maxBytes, response.headers.get("content-length"));
    return JSON.parse(body.toString("utf8")) as T;
  }

  async function requestStream(path: string, o: RawRequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    // The deadline covers connecting and the response headers only; after that the caller's signal rules.
    const controller = new AbortController();
    const onAbort = () => controller.abort(o.signal?.reason);
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new DOMException("request timed out", "TimeoutError")),
      o.timeoutMs ?? timeoutMs,
    );
    try {
      const response = await send(path, o, controller.signal);
      if (!response.body) throw new ApiException(response.status, `empty body from ${path}`, undefined, {});
      return response.body as ReadableStream<Uint8Array>;
    } catch (error) {
      o.signal?.removeEventListener("abort", onAbort);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // client-node's Exec over a `ws` socket of our own: its default handler dials without the address
  // guard, and hands server close frames to process.stdout/stdin.
  const wsInterface = {
    connect(path: string, _text: unknown, binary: ((stream: number, buff: Buffer) => boolean) | null) {
      return new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(
          `${kc.server.replace(/^https:/, "wss:")}${path}`,
          ["v5.channel.k8s.io", "v4.channel.k8s.io"],
          // servername and lookup reach tls.connect through https.request (ws passes its options on)
          {
            ca: kc.caData ? decode(kc.caData) : undefined,
            ...("clientCertData" in kc.auth
              ? { cert: decode(kc.auth.clientCertData), key: decode(kc.auth.clientKeyData) }
              : {}),
            servername: kc.tlsServerName ?? (isIP(host) ? undefined : host),
            rejectUnauthorized: kc.insecureSkipTlsVerify !== true,
            headers: authorization ? { Authorization: authorization } : {},
            handshakeTimeout: timeoutMs,
            perMessageDeflate: false,
            followRedirects: false,
            maxPayload: 4 * 1024 * 1024,
            ...(allowPrivate ? {} : { lookup: guardedLookup as never }),
          } as WebSocket.ClientOptions,
        );
        let open = false;
        ws.on("open", () => {
          open = true;
          resolve(ws);
        });
        ws.on("unexpected-response", (_req, res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size <= 64 * 1024) chunks.push(c);
          });
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {}
            reject(new ApiException(res.statusCode ?? 0, `HTTP ${res.statusCode} from ${path}`, body, {}));
            ws.terminate();
          });
        });
        ws.on("error", (error) => {
          if (!open) reject(error);
        });
        ws.on("message", (data: Buffer, isBinary: boolean) => {
          const buf = isBinary ? data : Buffer.from(data.toString());
          // 255: the server closed one of its streams (v5); the status on channel 3 ends the command.
          if (buf.length < 1 || buf[0] === 255) return;
          if (binary && !binary(buf[0]!, buf.subarray(1))) ws.close();
        });
      });
    },
  };
  const exec = new Exec(buildKubeConfig(kc), wsInterface as never);

  return {
    server: kc.server,
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    networking: new NetworkingV1Api(configuration),
    authorization: new AuthorizationV1Api(configuration),
    version: new VersionApi(configuration),
    kubeConfig: buildKubeConfig(kc),
    requestJson,
    requestStream,
    async podMetrics(namespace, o = {}) {
      const list = await requestJson<{ items?: PodMetricsItem[] }>(
        `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { signal: o.signal },
      );
      return list.items ?? [];
    },
    podLogs(namespace, pod, o = {}) {
      return requestStream(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
        {
          signal: o.signal,
          query: {
            container: o.container,
            tailLines: o.tailLines,
            follow: o.follow ? true : undefined,
            sinceSeconds: o.sinceSeconds,
            timestamps: o.timestamps ? true : undefined,
            previous: o.previous ? true : undefined,
            limitBytes: o.limitBytes,
          },
        },
      );
    },
    async podExec(namespace, pod, o) {
      const ws = await exec.exec(
        namespace,
        pod,
        o.container,
        o.command,
        o.stdout,
        o.stderr,
        o.stdin,
        o.tty,
        o.onStatus,
      );
      (ws as unknown as WebSocket).on("close", () => o.onClose?.());
      return { close: () => ws.close() };
    },
    close: () => agent.close(),
  };
}
