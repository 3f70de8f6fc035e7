// Fails when lib/chain/generated/contracts.ts no longer matches what the Solidity sources compile to.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { bindingsPath, renderBindings } from "@/contracts/scripts/gen-bindings";

it("committed bindings match a fresh forge build", { timeout: 300_000 }, () => {
  execFileSync("npx", ["forge", "build", "--skip", "test", "--skip", "script"], { stdio: "pipe" });
  expect(readFileSync(bindingsPath, "utf8"), "run `npm run contracts:build` and commit the result").toBe(
    renderBindings(),
  );
});
