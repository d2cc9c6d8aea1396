import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEncryptionKey } from "../security/secret-box.server.ts";

/**
 * The configured ENCRYPTION_KEY, or (for local starts; a deployment sets its
 * own) a random key kept in the data directory, so that the upstream keys
 * sealed with it stay readable across restarts.
 */
export function resolveEncryptionKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const path = join(dataDir, "encryption-key");
  const stored = readKeyFile(path);
  if (stored) return stored;
  // Written whole under a private name, then linked into place: linking fails if
  // another process got there first, and then its key is the one both use. A
  // half-written file is never visible, and an existing key is never replaced.
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString("hex");
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${key}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(draft, path);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another process's key, unless it has been removed since: then start over.
    return readKeyFile(path) ?? resolveEncryptionKey(configured, dataDir);
  } finally {
    rmSync(draft, { force: true });
  }
}

function readKeyFile(path: string): string | undefined {
  let stored: string;
  try {
    stored = readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // Unlike the session secret, a bad key file is not replaced: values sealed
  // with the key it held would become unreadable.
  parseEncryptionKey(stored, `The key file ${path}`);
  return stored;
}
