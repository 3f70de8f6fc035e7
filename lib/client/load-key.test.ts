import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { accountFromKeystore, accountFromPrivateKey, KeyError } from "./load-key";

// The PBKDF2 test vector of the Web3 Secret Storage Definition (password "testpassword", private key
// 7a28b5ba…14fe9d). The spec's scrypt vector uses r = 1 with N = 2^18, which OpenSSL refuses
// (N < 2^(16·r)); geth, ethers and Foundry write r = 8, which it takes.
const specVector = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};
const specKey = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

const dir = mkdtempSync(path.join(os.tmpdir(), "keystore-"));
const file = (name: string, body: unknown) => {
  const p = path.join(dir, name);
  writeFileSync(p, typeof body === "string" ? body : JSON.stringify(body));
  return p;
};

describe("accountFromKeystore", () => {
  it("decrypts the spec's v3 vector to its key", () => {
    const account = accountFromKeystore(file("spec.json", specVector), "testpassword");
    expect(account.address).toBe(accountFromPrivateKey(specKey, "spec").address);
  });

  it("reads geth's capitalised Crypto field", () => {
    const { crypto, ...rest } = specVector;
    const account = accountFromKeystore(file("geth.json", { ...rest, Crypto: crypto }), "testpassword");
    expect(account.address).toBe(accountFromPrivateKey(specKey, "spec").address);
  });

  it.each([
    ["a wrong password", file("wrong.json", specVector), "nope", /Wrong password/],
    [
      "a tampered ciphertext",
      file("tampered.json", {
        ...specVector,
        crypto: { ...specVector.crypto, ciphertext: `00${specVector.crypto.ciphertext.slice(2)}` },
      }),
      "testpassword",
      /Wrong password/,
    ],
    ["not JSON", file("text.json", "0xabc"), "x", /Cannot read the keystore/],
    ["a v1 file", file("v1.json", { ...specVector, version: 1 }), "x", /not a v3 keystore \(version/],
  ])("refuses %s", (_what, p, password, message) => {
    expect(() => accountFromKeystore(p, password)).toThrow(KeyError);
    expect(() => accountFromKeystore(p, password)).toThrow(message);
  });
});

describe("accountFromPrivateKey", () => {
  it.each(["0x12", "not hex", `0x${"g".repeat(64)}`])("refuses %s", (key) => {
    expect(() => accountFromPrivateKey(key, "KUBEBID_PRIVATE_KEY")).toThrow(
      /KUBEBID_PRIVATE_KEY is not a private key/,
    );
  });

  it("takes a key with or without 0x and surrounding whitespace", () => {
    expect(accountFromPrivateKey(` ${specKey.slice(2)}\n`, "k").address).toBe(
      accountFromPrivateKey(specKey, "k").address,
    );
  });
});
