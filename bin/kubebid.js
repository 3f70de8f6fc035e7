#!/usr/bin/env node
// `npx kubebid` from the repository: runs bin/kubebid.ts with the repository's tsx and tsconfig
// (its `@/` paths), whatever the current directory, and exits with the CLI's code.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const child = spawn(
  process.execPath,
  [
    path.join(root, "node_modules", "tsx", "dist", "cli.mjs"),
    "--tsconfig",
    path.join(root, "tsconfig.json"),
    path.join(root, "bin", "kubebid.ts"),
    ...process.argv.slice(2),
  ],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
