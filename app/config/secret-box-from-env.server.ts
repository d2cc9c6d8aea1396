import { hkdfSync } from "node:crypto";
import type { Env } from "./env.server.ts";
import { parseEncryptionKey, SecretBox } from "../security/secret-box.server.ts";

/**
 * The box for upstream keys: ENCRYPTION_KEY (generated into the data directory
 * for local starts), with ENCRYPTION_KEY_PREVIOUS to read what was sealed
 * before a rotation. A deployment that has not set one uses a key derived from
 * its SESSION_SECRET (the start warns). That derived key stays readable once
 * ENCRYPTION_KEY is set, so setting it is a rotation that needs nothing else:
 * the start re-seals the stored keys with it (ADR 031).
 */
export function secretBoxFromEnv(env: Env): SecretBox {
  const derived = env.SESSION_SECRET ? derivedFromSessionSecret(env.SESSION_SECRET) : undefined;
  const current = env.ENCRYPTION_KEY ? parseEncryptionKey(env.ENCRYPTION_KEY) : derived;
  if (!current) throw new Error("ENCRYPTION_KEY (or SESSION_SECRET) must be set");
  const previous = (env.ENCRYPTION_KEY_PREVIOUS ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => parseEncryptionKey(value, "ENCRYPTION_KEY_PREVIOUS"));
  return new SecretBox({ current, previous: derived ? [...previous, derived] : previous });
}

function derivedFromSessionSecret(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", sessionSecret, "", "gateway provider keys", 32));
}
