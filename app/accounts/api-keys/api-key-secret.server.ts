import { hash, randomBytes } from "node:crypto";

const SECRET_PREFIX = "gw-";
const DISPLAY_PREFIX_LENGTH = SECRET_PREFIX.length + 6;

export interface NewApiKey {
  /** Shown to the user once; never stored. */
  secret: string;
  /** Stored and shown afterwards, e.g. "gw-3fA9kQ". */
  prefix: string;
  /** Stored; what lookups compare. */
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const secret = SECRET_PREFIX + randomBytes(30).toString("base64url");
  return { secret, prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(secret) };
}

/** Hex SHA-256: the secrets are long and random, so a fast hash is safe here. */
export function hashApiKey(secret: string) {
  return hash("sha256", secret, "hex");
}
