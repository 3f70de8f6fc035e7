import { createDecipheriv, pbkdf2Sync, scryptSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { bytesToHex, concatHex, type Hex, keccak256, type LocalAccount, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

// The key a script signs with: a 0x private key (KUBEBID_PRIVATE_KEY, as CI secrets hold it) or an
// encrypted JSON keystore (Web3 Secret Storage v3: what geth, ethers' `encryptKeystoreJson` and
// Foundry's `cast wallet new` write). viem has no keystore reader and ethers is not a dependency, so
// v3 is decrypted here with node:crypto (scrypt or pbkdf2, AES-128-CTR) and viem's keccak256 for
// the MAC, exactly as the spec says (https://ethereum.org/developers/docs/data-structures-and-encoding/web3-secret-storage/).

export class KeyError extends Error {
  override name = "KeyError";
}

const hex = z.string().regex(/^(0x)?[0-9a-fA-F]*$/, "not hex");
const keystoreSchema = z.object({
  version: z.literal(3),
  crypto: z.object({
    cipher: z.literal("aes-128-ctr"),
    ciphertext: hex,
    cipherparams: z.object({ iv: hex }),
    kdf: z.enum(["scrypt", "pbkdf2"]),
    kdfparams: z.looseObject({
      dklen: z.number().int().min(32).max(64),
      salt: hex,
      n: z.number().int().positive().optional(),
      r: z.number().int().positive().optional(),
      p: z.number().int().positive().optional(),
      c: z.number().int().positive().optional(),
      prf: z.literal("hmac-sha256").optional(),
    }),
    mac: hex,
  }),
});

const bytes = (h: string) => Buffer.from(h.replace(/^0x/, ""), "hex");

/** A private key as given: 0x-prefixed (or bare) 32-byte hex. */
export function accountFromPrivateKey(key: string, where: string): LocalAccount {
  const trimmed = key.trim();
  const withPrefix = (trimmed.startsWith("0x") ? trimmed : `0x${trimmed}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(withPrefix))
    throw new KeyError(`${where} is not a private key (expected 32 bytes of hex).`);
  return privateKeyToAccount(withPrefix);
}

/** Decrypts a v3 keystore file with its password. */
export function accountFromKeystore(file: string, password: string): LocalAccount {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new KeyError(`Cannot read the keystore ${file}: ${(error as Error).message}`);
  }
  const parsed = keystoreSchema.safeParse(
    // geth writes `Crypto`, the spec `crypto`.
    raw && typeof raw === "object" && "Crypto" in raw
      ? { ...raw, crypto: (raw as { Crypto: unknown }).Crypto }
      : raw,
  );
  if (!parsed.success)
    throw new KeyError(
      `${file} is not a v3 keystore (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}).`,
    );
  const c = parsed.data.crypto;
  const kp = c.kdfparams;
  let derived: Buffer;
  if (c.kdf === "scrypt") {
    if (!kp.n || !kp.r || !kp.p) throw new KeyError(`${file}: scrypt needs n, r and p.`);
    derived = scryptSync(password.normalize("NFKC"), bytes(kp.salt), kp.dklen, {
      N: kp.n,
      r: kp.r,
      p: kp.p,
      // OpenSSL needs 128·r·(N + p + 2) bytes (its V and B arrays); the default cap is 32 MiB.
      maxmem: 128 * kp.r * (kp.n + kp.p + 2) + 1024 * 1024,
    });
  } else {
    if (!kp.c) throw new KeyError(`${file}: pbkdf2 needs c.`);
    derived = pbkdf2Sync(password.normalize("NFKC"), bytes(kp.salt), kp.c, kp.dklen, "sha256");
  }
  const mac = keccak256(concatHex([toHex(derived.subarray(16, 32)), `0x${c.ciphertext.replace(/^0x/, "")}`]));
  if (mac.slice(2).toLowerCase() !== c.mac.replace(/^0x/, "").toLowerCase())
    throw new KeyError(`Wrong password for the keystore ${file}.`);
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), bytes(c.cipherparams.iv));
  const key = Buffer.concat([decipher.update(bytes(c.ciphertext)), decipher.final()]);
  return accountFromPrivateKey(bytesToHex(key), file);
}
