// `npm test` runs this first: the real Codex CLI and Claude Code, at the versions
// scripts/real-clients.ts pins, installed from npm into a cache once
// (REAL_CLIENTS_DIR, default ~/.cache/llm-gateway/clients).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clientBin, clientDir, REAL_CLIENTS, type RealClient } from "./real-clients.ts";

for (const name of Object.keys(REAL_CLIENTS) as RealClient[]) {
  if (existsSync(clientBin(name))) continue;
  const { package: pkg, version } = REAL_CLIENTS[name];
  const dir = clientDir(name);
  console.log(`Installing ${pkg}@${version} for the client tests into ${dir}…`);
  mkdirSync(dir, { recursive: true });
  // npm runs a dependency's install script only when the project allows it: Claude Code's
  // copies its native binary into place.
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ private: true, allowScripts: { [pkg]: true } }, null, 2)}\n`,
  );
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", `${pkg}@${version}`],
    { cwd: dir, stdio: "inherit" },
  );
  execFileSync(clientBin(name), ["--version"], { stdio: "inherit" });
}
