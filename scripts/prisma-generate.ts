// Runs `prisma generate` after `npm install`. Offline-safe: every prisma command
// first tries to download the native schema engine, which generate does not
// use; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that.
// A production install (`npm ci --omit=dev`) has no prisma CLI and needs no
// client: the app build already contains it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
if (!existsSync(join(root, "node_modules", "prisma", "package.json"))) {
  console.log("prisma CLI not installed (production install): skipping prisma generate");
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  [join(root, "node_modules", "prisma", "build", "index.js"), "generate"],
  {
    cwd: root,
    stdio: "inherit",
    env: {
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      ...process.env,
    },
  },
);
process.exit(result.status ?? 1);
