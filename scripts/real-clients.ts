// The command-line agents the compatibility tests drive: the real releases from
// npm, at the versions the README names, installed outside node_modules (their
// native binaries weigh about 800 MB, which `npm install` should not cost every
// user). `node scripts/ensure-clients.ts` (run by `npm test`) installs them once.
import { homedir } from "node:os";
import { join } from "node:path";

export const REAL_CLIENTS = {
  codex: { package: "@openai/codex", version: "0.171.0", bin: "codex" },
  claude: { package: "@anthropic-ai/claude-code", version: "2.1.332", bin: "claude" },
} as const;

export type RealClient = keyof typeof REAL_CLIENTS;

const CACHE = process.env.REAL_CLIENTS_DIR ?? join(homedir(), ".cache", "llm-gateway", "clients");

/** Where a client's version is installed (an npm prefix). */
export function clientDir(name: RealClient) {
  const { package: pkg, version } = REAL_CLIENTS[name];
  return join(CACHE, `${pkg.replace("/", "+")}@${version}`);
}

/** The client's executable, once installed. */
export function clientBin(name: RealClient) {
  return join(clientDir(name), "node_modules", ".bin", REAL_CLIENTS[name].bin);
}
