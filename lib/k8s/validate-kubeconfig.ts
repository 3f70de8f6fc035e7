import "server-only";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { isAlias, isNode, isScalar, parseDocument, visit } from "yaml";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { isLocalHostname, isPrivateAddress } from "./is-private-address";

// Kubeconfig intake. A kubeconfig from a provider is untrusted input that, handed to a normal
// Kubernetes client, can run commands (`exec`, `auth-provider`), read our files (`tokenFile`,
// `client-key`, `certificate-authority`), point us at our own network (SSRF) or disable TLS. So we
// parse the YAML ourselves under tight limits, keep only the fields of the current context we
// understand, refuse everything else with a message a provider can act on, and the client is later
// built from the returned object only (see cluster-client.ts). Other contexts in the file are ignored
// and never stored.

export const MAX_KUBECONFIG_BYTES = 64 * 1024;

const RBAC_HINT = "Use a service-account token (see the RBAC manifest KubeBid shows you).";

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** The fields KubeBid keeps, in the shape it is stored (encrypted) and built into a client from. */
export const validatedKubeconfigSchema = z
  .object({
    server: z.string().url(),
    /** Base64 PEM bundle of the cluster CA; absent = the system's public CAs. */
    caData: base64.optional(),
    tlsServerName: z.string().min(1).max(253).optional(),
    /** Only ever true when the dev flag ALLOW_INSECURE_CLUSTERS allowed it. */
    insecureSkipTlsVerify: z.boolean().optional(),
    auth: z.union([
      z.object({ token: z.string().min(1) }).strict(),
      z.object({ clientCertData: base64, clientKeyData: base64 }).strict(),
    ]),
    clusterName: z.string(),
    userName: z.string(),
    contextName: z.string(),
  })
  .strict();

export type ValidatedKubeconfig = z.infer<typeof validatedKubeconfigSchema>;

export interface ValidateKubeconfigOptions {
  /** Accept `insecure-skip-tls-verify: true` (dev only: ALLOW_INSECURE_CLUSTERS). */
  allowInsecure?: boolean;
  /** Accept servers on loopback/private/link-local addresses (dev only: ALLOW_PRIVATE_CLUSTER_ADDRESSES). */
  allowPrivate?: boolean;
  /** Byte limit of the input (default 64 KiB). */
  maxBytes?: number;
  /** Clock for certificate expiry (tests). */
  now?: Date;
}

function invalid(field: string, message: string): AppError {
  return new AppError("INVALID_KUBECONFIG", message, { details: { field } });
}

type Entry = Record<string, unknown>;

function isRecord(v: unknown): v is Entry {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Finds `name` in a kubeconfig list (`clusters`, `users`, `contexts`) and returns its inner object. */
function findNamed(doc: Entry, list: "clusters" | "users" | "contexts", name: string): Entry {
  const inner = list.slice(0, -1); // cluster | user | context
  const items = doc[list];
  if (items === undefined || items === null) throw invalid(list, `The kubeconfig has no "${list}" list.`);
  if (!Array.isArray(items)) throw invalid(list, `"${list}" must be a list.`);
  const matches = items.filter((item) => isRecord(item) && item.name === name);
  if (matches.length === 0) throw invalid(list, `No ${inner} named "${name}" in "${list}".`);
  if (matches.length > 1) throw invalid(list, `More than one ${inner} is named "${name}".`);
  const body = (matches[0] as Entry)[inner];
  if (!isRecord(body)) throw invalid(`${list}.${inner}`, `The ${inner} "${name}" has no "${inner}" section.`);
  return body;
}

function nameField(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 253)
    throw invalid(field, `"${field}" must be a non-empty name.`);
  return value;
}

function parseYaml(input: string, maxBytes: number): Entry {
  if (Buffer.byteLength(input, "utf8") > maxBytes)
    throw invalid("kubeconfig", `The kubeconfig is larger than ${Math.floor(maxBytes / 1024)} KiB.`);
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(input, { uniqueKeys: true, schema: "core", merge: false });
  } catch {
    // e.g. a stack overflow on absurd nesting
    throw invalid("kubeconfig", "The kubeconfig is not valid YAML.");
  }
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw invalid("kubeconfig", `The kubeconfig is not valid YAML: ${first?.message.split("\n")[0] ?? ""}`);
  }
  // Anchors and aliases have no use in a kubeconfig and are how "billion laughs" bombs are built.
  let refused: string | null = null;
  visit(doc, (_key, node) => {
    if (isAlias(node)) refused = "YAML aliases";
    else if (isNode(node) && node.anchor) refused = "YAML anchors";
    else if (isNode(node) && node.tag) refused = "Explicit YAML tags";
    if (refused) return visit.BREAK;
    return undefined;
  });
  if (refused) throw invalid("kubeconfig", `${refused} are not accepted in a kubeconfig.`);
  if (doc.warnings.length > 0)
    throw invalid("kubeconfig", "Explicit YAML tags are not accepted in a kubeconfig.");
  if (isScalar(doc.contents) || doc.contents === null)
    throw invalid("kubeconfig", "The kubeconfig is empty.");
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 0 });
  } catch {
    throw invalid("kubeconfig", "The kubeconfig is not valid YAML.");
  }
  if (!isRecord(js)) throw invalid("kubeconfig", "The kubeconfig must be a YAML mapping (kind: Config).");
  return js;
}

function decodeBase64(value: unknown, field: string): { b64: string; bytes: Buffer } {
  if (typeof value !== "string") throw invalid(field, `"${field}" must be base64 text.`);
  const b64 = value.replace(/\s+/g, "");
  if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw invalid(field, `"${field}" is not valid base64.`);
  return { b64, bytes: Buffer.from(b64, "base64") };
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parseCertificates(bytes: Buffer, field: string): X509Certificate[] {
  const text = bytes.toString("utf8");
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw invalid(field, `"${field}" does not contain a PEM certificate.`);
  if (blocks.length > 32) throw invalid(field, `"${field}" contains too many certificates.`);
  return blocks.map((pem) => {
    try {
      return new X509Certificate(pem);
    } catch {
      throw invalid(field, `"${field}" contains a certificate that cannot be parsed.`);
    }
  });
}

const refusedUserFields: Record<string, string> = {
  exec: `exec credential plugins are not accepted: KubeBid cannot run commands from a kubeconfig. ${RBAC_HINT}`,
  "auth-provider": `auth-provider plugins (gcp, azure, oidc) are not accepted: KubeBid cannot run them. ${RBAC_HINT}`,
  tokenFile: `"tokenFile" points at a file on your machine, which KubeBid cannot read. Paste the token itself under "token". ${RBAC_HINT}`,
  "client-certificate": `"client-certificate" points at a file. Embed it as "client-certificate-data" (kubectl config set-credentials --embed-certs) or ${RBAC_HINT}`,
  "client-key": `"client-key" points at a file. Embed it as "client-key-data" (kubectl config set-credentials --embed-certs) or ${RBAC_HINT}`,
  username: `Basic authentication (username/password) is not accepted. ${RBAC_HINT}`,
  password: `Basic authentication (username/password) is not accepted. ${RBAC_HINT}`,
  as: "Impersonation (as, as-groups, as-uid, as-user-extra) is not accepted: give KubeBid its own service account.",
  "as-groups":
    "Impersonation (as, as-groups, as-uid, as-user-extra) is not accepted: give KubeBid its own service account.",
  "as-uid":
    "Impersonation (as, as-groups, as-uid, as-user-extra) is not accepted: give KubeBid its own service account.",
  "as-user-extra":
    "Impersonation (as, as-groups, as-uid, as-user-extra) is not accepted: give KubeBid its own service account.",
};
const allowedUserFields = new Set(["token", "client-certificate-data", "client-key-data", "extensions"]);

const refusedClusterFields: Record<string, string> = {
  "certificate-authority":
    '"certificate-authority" points at a file. Embed the CA as "certificate-authority-data" (kubectl config set-cluster --embed-certs).',
  "proxy-url":
    "Proxies (proxy-url) are not accepted: KubeBid must reach your API server directly over HTTPS.",
};
const allowedClusterFields = new Set([
  "server",
  "certificate-authority-data",
  "insecure-skip-tls-verify",
  "tls-server-name",
  "disable-compression",
  "extensions",
]);

function checkServer(value: unknown, allowPrivate: boolean): string {
  const field = "cluster.server";
  if (typeof value !== "string" || value.length === 0)
    throw invalid(field, 'The cluster has no "server" URL.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `The server "${value.slice(0, 100)}" is not a valid URL.`);
  }
  if (url.protocol !== "https:")
    throw invalid(
      field,
      `The server must use https:// (got ${url.protocol}//). KubeBid only talks to clusters over TLS.`,
    );
  if (url.username || url.password) throw invalid(field, "The server URL must not contain credentials.");
  if (url.search || url.hash) throw invalid(field, "The server URL must not have a query or fragment.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate) {
    if (isIP(host) && isPrivateAddress(host))
      throw invalid(
        field,
        `The server address ${host} is private, loopback or link-local. KubeBid must reach your API server at a public address.`,
      );
    if (!isIP(host) && isLocalHostname(host))
      throw invalid(
        field,
        `The server host "${host}" is a local or internal name. KubeBid must reach your API server at a public address.`,
      );
  }
  // Normalised: no trailing slash, so request paths can be appended.
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Parses and validates an untrusted kubeconfig. Returns only the fields KubeBid keeps, or throws
 * AppError("INVALID_KUBECONFIG", message, { details: { field } }). Never reads files, never runs
 * anything, never connects.
 */
export function validateKubeconfig(input: string, opts: ValidateKubeconfigOptions = {}): ValidatedKubeconfig {
  if (typeof input !== "string") throw invalid("kubeconfig", "The kubeconfig must be text.");
  const doc = parseYaml(input, opts.maxBytes ?? MAX_KUBECONFIG_BYTES);

  if (doc.kind !== undefined && doc.kind !== "Config")
    throw invalid("kind", 'The kubeconfig must have "kind: Config".');
  const contextName = doc["current-context"];
  if (typeof contextName !== "string" || contextName.length === 0)
    throw invalid(
      "current-context",
      'The kubeconfig has no "current-context". Set it with kubectl config use-context.',
    );
  const context = findNamed(doc, "contexts", contextName);
  const clusterName = nameField(context.cluster, "context.cluster");
  const userName = nameField(context.user, "context.user");
  const cluster = findNamed(doc, "clusters", clusterName);
  const user = findNamed(doc, "users", userName);

  // Cluster
  for (const key of Object.keys(cluster)) {
    const refusal = refusedClusterFields[key];
    if (refusal) throw invalid(`cluster.${key}`, refusal);
    if (!allowedClusterFields.has(key))
      throw invalid(`cluster.${key}`, `The cluster field "${key}" is not supported by KubeBid.`);
  }
  const server = checkServer(cluster.server, opts.allowPrivate ?? false);
  const insecure = cluster["insecure-skip-tls-verify"];
  if (insecure !== undefined && typeof insecure !== "boolean")
    throw invalid("cluster.insecure-skip-tls-verify", '"insecure-skip-tls-verify" must be true or false.');
  if (insecure === true && !opts.allowInsecure)
    throw invalid(
      "cluster.insecure-skip-tls-verify",
      'insecure-skip-tls-verify is not accepted: KubeBid must verify your API server\'s certificate. Include "certificate-authority-data" instead.',
    );
  let caData: string | undefined;
  if (cluster["certificate-authority-data"] !== undefined) {
    const { b64, bytes } = decodeBase64(
      cluster["certificate-authority-data"],
      "cluster.certificate-authority-data",
    );
    parseCertificates(bytes, "cluster.certificate-authority-data");
    caData = b64;
  }
  let tlsServerName: string | undefined;
  if (cluster["tls-server-name"] !== undefined) {
    const v = cluster["tls-server-name"];
    if (typeof v !== "string" || !/^[A-Za-z0-9.-]{1,253}$/.test(v))
      throw invalid("cluster.tls-server-name", '"tls-server-name" must be a DNS name.');
    tlsServerName = v;
  }

  // User
  for (const key of Object.keys(user)) {
    const refusal = refusedUserFields[key];
    if (refusal) throw invalid(`user.${key}`, refusal);
    if (!allowedUserFields.has(key))
      throw invalid(`user.${key}`, `The user field "${key}" is not supported by KubeBid.`);
  }
  let auth: ValidatedKubeconfig["auth"];
  const hasCert = user["client-certificate-data"] !== undefined || user["client-key-data"] !== undefined;
  if (user.token !== undefined) {
    if (hasCert)
      throw invalid("user.token", "Give either a token or a client certificate and key, not both.");
    const token = user.token;
    // Printable ASCII only: the token goes into an HTTP header.
    if (typeof token !== "string" || !/^[\x21-\x7e]{1,8192}$/.test(token))
      throw invalid("user.token", 'The "token" must be a single line of printable characters.');
    auth = { token };
  } else if (hasCert) {
    const certField = "user.client-certificate-data";
    const keyField = "user.client-key-data";
    if (user["client-certificate-data"] === undefined)
      throw invalid(certField, '"client-key-data" is given without "client-certificate-data".');
    if (user["client-key-data"] === undefined)
      throw invalid(keyField, '"client-certificate-data" is given without "client-key-data".');
    const cert = decodeBase64(user["client-certificate-data"], certField);
    const key = decodeBase64(user["client-key-data"], keyField);
    const [leaf] = parseCertificates(cert.bytes, certField);
    let privateKey: ReturnType<typeof createPrivateKey>;
    try {
      privateKey = createPrivateKey({ key: key.bytes.toString("utf8"), format: "pem" });
    } catch {
      throw invalid(keyField, '"client-key-data" is not an unencrypted PEM private key.');
    }
    if (!leaf?.checkPrivateKey(privateKey))
      throw invalid(keyField, "The client key does not belong to the client certificate.");
    const now = opts.now ?? new Date();
    if (new Date(leaf.validTo) < now)
      throw invalid(certField, `The client certificate expired on ${new Date(leaf.validTo).toISOString()}.`);
    auth = { clientCertData: cert.b64, clientKeyData: key.b64 };
  } else {
    throw invalid("user", `The user "${userName}" has no credentials. ${RBAC_HINT}`);
  }

  return {
    server,
    ...(caData ? { caData } : {}),
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(insecure === true ? { insecureSkipTlsVerify: true } : {}),
    auth,
    clusterName,
    userName,
    contextName,
  };
}
