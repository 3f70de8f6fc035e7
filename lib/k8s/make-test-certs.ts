import { generateCerts } from "@/dev/k8s-sim/certs";

// Test-only: a CA, a certificate with its key signed by that CA, and a key that belongs to neither,
// for the kubeconfig validation tests. Made by the simulator's certificate generator (openssl CLI).

export interface TestCerts {
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  otherKeyPem: string;
}

export function makeTestCerts(): TestCerts {
  const certs = generateCerts();
  // The simulator's server certificate is as good a leaf as any client certificate here: the
  // validator checks that it parses, is signed for use with its key, and chains to the CA data.
  return {
    caPem: certs.caCert,
    clientCertPem: certs.serverCert,
    clientKeyPem: certs.serverKey,
    otherKeyPem: certs.caKey,
  };
}
