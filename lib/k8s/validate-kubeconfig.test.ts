import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { AppError } from "@/lib/errors";
import { makeTestCerts, type TestCerts } from "./make-test-certs";
import { validateKubeconfig } from "./validate-kubeconfig";

// Made at import: the hostile cases are built when the tests are collected.
const certs: TestCerts = makeTestCerts();
const b64 = (s: string) => Buffer.from(s).toString("base64");

const marker = join(tmpdir(), `kb-${randomBytes(6).toString("hex")}-pwned`);
// Every file path in the hostile kubeconfigs is a FIFO with a writer waiting on it: if anything opens
// the path for reading, the writer gets through and creates `readMarker`.
const secretPath = join(tmpdir(), `kb-${randomBytes(6).toString("hex")}-fifo`);
const readMarker = `${secretPath}-was-read`;
let writer: ChildProcess;

beforeAll(() => {
  execFileSync("mkfifo", [secretPath]);
  writer = spawn("sh", ["-c", `echo secret > '${secretPath}' && touch '${readMarker}'`], { stdio: "ignore" });
});

afterAll(() => {
  writer.kill("SIGKILL");
  rmSync(secretPath, { force: true });
  rmSync(readMarker, { force: true });
  rmSync(marker, { force: true });
});

interface Parts {
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  context?: Record<string, unknown>;
  currentContext?: string | null;
}

function kubeconfig(parts: Parts = {}): string {
  const doc: Record<string, unknown> = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "prod",
        cluster: {
          server: "https://k8s.example.com:6443",
          "certificate-authority-data": b64(certs.caPem),
          ...parts.cluster,
        },
      },
    ],
    users: [{ name: "kubebid", user: parts.user ?? { token: "abc.def-123" } }],
    contexts: [{ name: "kubebid@prod", context: { cluster: "prod", user: "kubebid", ...parts.context } }],
  };
  if (parts.currentContext !== null) doc["current-context"] = parts.currentContext ?? "kubebid@prod";
  return stringify(doc);
}

function refusal(input: string, opts?: Parameters<typeof validateKubeconfig>[1]): AppError {
  try {
    validateKubeconfig(input, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe("INVALID_KUBECONFIG");
    expect(e.details).toEqual({ field: expect.any(String) });
    return e;
  }
  throw new Error("kubeconfig was accepted");
}

// Every hostile kubeconfig with the text its refusal must contain.
function hostile(): Array<[string, string, RegExp]> {
  const tokenUser = { token: "abc" };
  const execUser = {
    exec: { apiVersion: "client.authentication.k8s.io/v1", command: "sh", args: ["-c", `touch ${marker}`] },
  };
  const alias = [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "current-context: x",
  ].join("\n");
  const srv = (server: string) => kubeconfig({ cluster: { server } });
  return [
    ["exec plugin", kubeconfig({ user: execUser }), /exec credential plugins are not accepted/],
    [
      "auth-provider",
      kubeconfig({ user: { "auth-provider": { name: "gcp", config: { "cmd-path": `touch ${marker}` } } } }),
      /auth-provider/,
    ],
    ["tokenFile", kubeconfig({ user: { tokenFile: secretPath } }), /tokenFile/],
    [
      "client-certificate path",
      kubeconfig({ user: { "client-certificate": secretPath, "client-key-data": b64(certs.clientKeyPem) } }),
      /client-certificate/,
    ],
    [
      "client-key path",
      kubeconfig({ user: { "client-certificate-data": b64(certs.clientCertPem), "client-key": secretPath } }),
      /client-key/,
    ],
    ["certificate-authority path", kubeconfig({ cluster: { "certificate-authority": secretPath } }), /file/],
    [
      "username/password",
      kubeconfig({ user: { username: "admin", password: "hunter2" } }),
      /Basic authentication/,
    ],
    ["impersonation", kubeconfig({ user: { ...tokenUser, as: "system:admin" } }), /Impersonation/],
    ["insecure-skip-tls-verify", kubeconfig({ cluster: { "insecure-skip-tls-verify": true } }), /insecure/],
    ["proxy-url", kubeconfig({ cluster: { "proxy-url": "http://10.0.0.1:3128" } }), /Proxies/],
    ["http://", srv("http://k8s.example.com"), /https/],
    ["10.x", srv("https://10.1.2.3:6443"), /private/],
    ["172.16.x", srv("https://172.16.5.4"), /private/],
    ["192.168.x", srv("https://192.168.1.10:6443"), /private/],
    ["127.0.0.1", srv("https://127.0.0.1:6443"), /private/],
    ["::1", srv("https://[::1]:6443"), /private/],
    ["169.254.169.254", srv("https://169.254.169.254"), /private/],
    ["100.64.x (CGNAT)", srv("https://100.64.0.7"), /private/],
    ["fe80::", srv("https://[fe80::1]:6443"), /private/],
    ["fc00:: ULA", srv("https://[fd12:3456::1]"), /private/],
    ["IPv4-mapped loopback", srv("https://[::ffff:127.0.0.1]"), /private/],
    ["hex IPv4 loopback", srv("https://0x7f000001"), /private/],
    ["decimal IPv4 loopback", srv("https://2130706433"), /private/],
    ["0.0.0.0", srv("https://0.0.0.0"), /private/],
    ["localhost", srv("https://localhost:6443"), /local or internal/],
    ["sub.localhost", srv("https://api.localhost"), /local or internal/],
    ["metadata.google.internal", srv("https://metadata.google.internal"), /local or internal/],
    ["single-label host", srv("https://kubernetes"), /local or internal/],
    ["credentials in URL", srv("https://u:p@k8s.example.com"), /credentials/],
    ["oversized", `${kubeconfig()}\n# ${"x".repeat(70 * 1024)}`, /larger than 64 KiB/],
    ["alias bomb", alias, /aliases|anchors/i],
    ["anchor", kubeconfig().replace("apiVersion: v1", "apiVersion: &v v1"), /anchors/],
    ["custom tag", kubeconfig().replace("kind: Config", "kind: !!js/function Config"), /tags/],
    ["duplicate keys", `${kubeconfig()}\ncurrent-context: other\n`, /not valid YAML/],
    ["multiple documents", `${kubeconfig()}\n---\n${kubeconfig()}`, /not valid YAML/],
    ["deep nesting", `${"[".repeat(20_000)}${"]".repeat(20_000)}`, /YAML|mapping/],
    ["not a mapping", "- a\n- b\n", /mapping/],
    [
      "malformed base64 CA",
      kubeconfig({ cluster: { "certificate-authority-data": "%%%not-base64%%%" } }),
      /base64/,
    ],
    [
      "non-certificate CA data",
      kubeconfig({ cluster: { "certificate-authority-data": b64("hello world") } }),
      /PEM/,
    ],
    [
      "corrupt certificate in CA",
      kubeconfig({
        cluster: {
          "certificate-authority-data": b64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        },
      }),
      /cannot be parsed/,
    ],
    [
      "client key of another certificate",
      kubeconfig({
        user: {
          "client-certificate-data": b64(certs.clientCertPem),
          "client-key-data": b64(certs.otherKeyPem),
        },
      }),
      /does not belong/,
    ],
    [
      "client key not a key",
      kubeconfig({
        user: { "client-certificate-data": b64(certs.clientCertPem), "client-key-data": b64("nope") },
      }),
      /private key/,
    ],
    ["token with newline", kubeconfig({ user: { token: "abc\r\nX-Evil: 1" } }), /printable/],
    ["missing current-context", kubeconfig({ currentContext: null }), /current-context/],
    ["unknown current-context", kubeconfig({ currentContext: "nope" }), /No context named "nope"/],
    [
      "context names missing cluster",
      kubeconfig({ context: { cluster: "ghost" } }),
      /No cluster named "ghost"/,
    ],
    ["context names missing user", kubeconfig({ context: { user: "ghost" } }), /No user named "ghost"/],
    ["no credentials", kubeconfig({ user: {} }), /no credentials/],
    ["unknown user field", kubeconfig({ user: { ...tokenUser, "some-plugin": "x" } }), /not supported/],
    [
      "JSON form with exec",
      JSON.stringify({
        "current-context": "c",
        contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
        clusters: [{ name: "k", cluster: { server: "https://k8s.example.com" } }],
        users: [{ name: "u", user: execUser }],
      }),
      /exec/,
    ],
  ];
}

describe("validateKubeconfig", () => {
  it("accepts a token kubeconfig and keeps only the validated fields", () => {
    const kc = validateKubeconfig(kubeconfig({ cluster: { "tls-server-name": "api.internal.example" } }));
    expect(kc).toEqual({
      server: "https://k8s.example.com:6443",
      caData: b64(certs.caPem),
      tlsServerName: "api.internal.example",
      auth: { token: "abc.def-123" },
      clusterName: "prod",
      userName: "kubebid",
      contextName: "kubebid@prod",
    });
  });

  it("accepts embedded client certificate and key", () => {
    const kc = validateKubeconfig(
      kubeconfig({
        user: {
          "client-certificate-data": b64(certs.clientCertPem),
          "client-key-data": b64(certs.clientKeyPem),
        },
      }),
    );
    expect(kc.auth).toEqual({
      clientCertData: b64(certs.clientCertPem),
      clientKeyData: b64(certs.clientKeyPem),
    });
  });

  it("refuses an expired client certificate", () => {
    const input = kubeconfig({
      user: {
        "client-certificate-data": b64(certs.clientCertPem),
        "client-key-data": b64(certs.clientKeyPem),
      },
    });
    // Past the certificate's ten years of validity.
    expect(refusal(input, { now: new Date(Date.now() + 11 * 365 * 86400_000) }).message).toMatch(/expired/);
  });

  it("ignores other contexts, even hostile ones", () => {
    const doc = kubeconfig();
    const withOther = doc.replace(
      "users:\n",
      `users:\n  - name: eks\n    user:\n      exec:\n        command: sh\n        args: ["-c", "touch ${marker}"]\n`,
    );
    expect(validateKubeconfig(withOther).userName).toBe("kubebid");
  });

  it("allows private addresses and insecure-skip-tls-verify only with the dev flags", () => {
    const priv = kubeconfig({ cluster: { server: "https://127.0.0.1:6443" } });
    expect(validateKubeconfig(priv, { allowPrivate: true }).server).toBe("https://127.0.0.1:6443");
    const insecure = kubeconfig({ cluster: { "insecure-skip-tls-verify": true } });
    expect(validateKubeconfig(insecure, { allowInsecure: true }).insecureSkipTlsVerify).toBe(true);
    // The flags never open file paths or plugins.
    const exec = kubeconfig({ user: { exec: { command: "sh" } } });
    refusal(exec, { allowPrivate: true, allowInsecure: true });
  });

  it("keeps a path prefix (e.g. Rancher) but drops a trailing slash", () => {
    const kc = validateKubeconfig(
      kubeconfig({ cluster: { server: "https://rancher.example.com/k8s/clusters/c-1/" } }),
    );
    expect(kc.server).toBe("https://rancher.example.com/k8s/clusters/c-1");
  });

  const cases = hostile();
  it("has at least 20 hostile cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases)("refuses %s", (_name, input, message) => {
    expect(refusal(input).message).toMatch(message);
  });

  it("ran no command and read no file while refusing them", async () => {
    // Give a command or a reader that slipped through time to leave its marker.
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(readMarker)).toBe(false);
    expect(writer.exitCode).toBeNull();
  });
});
