import { hkdfSync } from "node:crypto";
import type { Env } from "../config/env.server.ts";
import { parseEncryptionKey, SecretBox } from "./secret-box.server.ts";

/**
 * The box for upstream keys: ENCRYPTION_KEY (main.ts generates one into the
 * data directory for local starts), with ENCRYPTION_KEY_PREVIOUS to read what
 * was sealed before a rotation. A deployment that has not set one yet (it came
 * from a version without it) uses a key derived from its SESSION_SECRET, so it
 * starts unchanged; setting ENCRYPTION_KEY later is a rotation like any other.
 */
export function secretBoxFromEnv(env: Env): SecretBox {
  const current = env.ENCRYPTION_KEY
    ? parseEncryptionKey(env.ENCRYPTION_KEY)
    : derivedFromSessionSecret(env.SESSION_SECRET);
  const previous = (env.ENCRYPTION_KEY_PREVIOUS ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => parseEncryptionKey(value, "ENCRYPTION_KEY_PREVIOUS"));
  return new SecretBox({ current, previous });
}

function derivedFromSessionSecret(sessionSecret: string | undefined): Buffer {
  if (!sessionSecret) throw new Error("ENCRYPTION_KEY (or SESSION_SECRET) must be set");
  return Buffer.from(hkdfSync("sha256", sessionSecret, "", "gateway provider keys", 32));
}
