// Offline solc for forge: forge cannot download native solc here, so foundry.toml points `solc` at this
// script. It speaks the two things forge asks of a solc binary: `--version` and `--standard-json`
// (input on stdin, output on stdout), compiling with the npm solc-js build pinned in package.json.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const solc = require(path.join(root, "node_modules", "solc"));

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-v")) {
  // forge parses "Version: x.y.z+commit.hash..." from this text.
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes("--standard-json")) {
  process.stderr.write(
    `contracts/scripts/solc: only --version and --standard-json are supported (got ${args.join(" ")})\n`,
  );
  process.exit(1);
}

// Import paths forge did not inline are resolved against the base/include paths it passes, then the repo root.
const searchRoots = [];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === "--base-path" || args[i] === "--include-path") && args[i + 1]) searchRoots.push(args[++i]);
}
searchRoots.push(process.cwd(), root);

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : searchRoots.map((r) => path.resolve(r, importPath));
  for (const file of candidates) {
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, "utf8") };
  }
  return { error: `File not found: ${importPath}` };
}

const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const input = Buffer.concat(chunks).toString("utf8");
  const output = solc.compile(input, { import: findImports });
  process.stdout.write(output);
});
