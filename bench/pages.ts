import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

// `npm run bench:pages`: first-load JavaScript of each page of the production build, gzip, from the
// build's own manifests: the root main files (build-manifest.json) plus the client entry chunks of
// the root layout and of the page (its client-reference manifest). Run `npx next build` first.

const next = path.resolve(".next");
if (!existsSync(path.join(next, "build-manifest.json"))) {
  console.error("no production build: run `npx next build` first");
  process.exit(1);
}
const build = JSON.parse(readFileSync(path.join(next, "build-manifest.json"), "utf8")) as {
  rootMainFiles: string[];
};
const routes = JSON.parse(readFileSync(path.join(next, "app-path-routes-manifest.json"), "utf8")) as Record<
  string,
  string
>;

const gz = new Map<string, number>();
function gzipKb(file: string): number {
  let size = gz.get(file);
  if (size === undefined) {
    size = gzipSync(readFileSync(path.join(next, file.replace(/^\/?_next\//, "")))).length;
    gz.set(file, size);
  }
  return size;
}

const rows: { route: string; kb: number; files: number }[] = [];
for (const [entry, route] of Object.entries(routes)) {
  if (!entry.endsWith("/page") || route.startsWith("/_")) continue;
  const manifestFile = path.join(next, "server", "app", `${entry}_client-reference-manifest.js`);
  if (!existsSync(manifestFile)) continue;
  const sandbox = { globalThis: {} as Record<string, unknown> };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(manifestFile, "utf8"), sandbox);
  const manifests = (
    sandbox as unknown as { __RSC_MANIFEST: Record<string, { entryJSFiles: Record<string, string[]> }> }
  ).__RSC_MANIFEST;
  const m = manifests[entry];
  if (!m) continue;
  const files = new Set<string>(build.rootMainFiles);
  for (const [key, list] of Object.entries(m.entryJSFiles)) {
    if (key === "[project]/app/layout" || key === `[project]/app${entry}`) for (const f of list) files.add(f);
  }
  const bytes = [...files].reduce((n, f) => n + gzipKb(f), 0);
  rows.push({ route, kb: bytes / 1024, files: files.size });
}
rows.sort((a, b) => a.route.localeCompare(b.route));
console.log("First-load JavaScript per page (gzip), from .next manifests:\n");
for (const r of rows)
  console.log(`  ${r.route.padEnd(28)} ${r.kb.toFixed(1).padStart(7)} kB  (${r.files} files)`);
const market = rows.find((r) => r.route === "/");
if (market) console.log(`\nmarket page (/): ${market.kb.toFixed(1)} kB gzip (target < 250 kB)`);
