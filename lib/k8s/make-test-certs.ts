import "server-only";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Test-only: a CA, a client certificate signed by it and an unrelated key, via the openssl CLI
// (Node cannot issue certificates). Used by the kubeconfig validation tests.

export interface TestCerts {
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  otherKeyPem: string;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "kb-test-certs-"));
  const run = (args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "30",
      "-subj",
      "/CN=test-ca",
    ]);
    run(["req", ...ec, "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=kubebid/O=test"]);
    run([
      "x509",
      "-req",
      "-in",
      "client.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-set_serial",
      "8",
      "-days",
      "30",
      "-out",
      "client.crt",
    ]);
    run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "other.key"]);
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    return {
      caPem: read("ca.crt"),
      clientCertPem: read("client.crt"),
      clientKeyPem: read("client.key"),
      otherKeyPem: read("other.key"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
