// CA + server certificate generation for the simulator. Node has no X.509 API, so we shell
// out to the `openssl` CLI (EC P-256 keys: ~20 ms per certificate). One CA and ONE server
// certificate (SAN 127.0.0.1, localhost, ::1) are shared by every cluster of a process.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SimCerts {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

let cached: SimCerts | undefined;

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export function generateCerts(): SimCerts {
  const dir = mkdtempSync(join(tmpdir(), "k8s-sim-certs-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
      [
        "req",
        "-x509",
        ...ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "3650",
        "-subj",
        "/CN=kubebid-sim-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
      ],
      dir,
    );
    writeFileSync(
      join(dir, "ext.cnf"),
      [
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth",
        "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default",
        "",
      ].join("\n"),
    );
    openssl(["req", ...ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=kube-apiserver"], dir);
    openssl(
      [
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-set_serial",
        `0x${Date.now().toString(16)}`,
        "-days",
        "3650",
        "-extfile",
        "ext.cnf",
        "-out",
        "srv.crt",
      ],
      dir,
    );
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    return {
      caCert: read("ca.crt"),
      caKey: read("ca.key"),
      serverCert: read("srv.crt"),
      serverKey: read("srv.key"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One CA + server certificate per process (cached). */
export function sharedCerts(): SimCerts {
  cached ??= generateCerts();
  return cached;
}
