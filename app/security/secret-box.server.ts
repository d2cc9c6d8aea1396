import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// Seals short secrets (upstream API keys) for storage with AES-256-GCM. A sealed
// value reads `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts): the keyId
// names the key that sealed it, so after a rotation `open` picks the right key
// instead of trying them all, and `sealedWithCurrent` finds what to re-seal.

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12; // GCM's standard nonce size; random per seal
const TAG_BYTES = 16;

/** What an encryption key must look like, for messages about a bad one. */
export const ENCRYPTION_KEY_EXPECTED =
  "must be 32 random bytes as 64 hex characters (or base64), e.g. from `openssl rand -hex 32`";

/** A sealed value that cannot be opened; the message never holds the plaintext or a key. */
export class SecretBoxError extends Error {
  override readonly name = "SecretBoxError";
}

export class SecretBox {
  readonly #current: Buffer;
  readonly #currentId: string;
  readonly #keys = new Map<string, Buffer>();

  constructor({ current, previous = [] }: { current: Buffer; previous?: Buffer[] }) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) throw new Error(`An encryption key must be ${KEY_BYTES} bytes`);
      // The current key wins should a previous one share its id (the same key listed twice).
      if (!this.#keys.has(keyId(key))) this.#keys.set(keyId(key), key);
    }
    this.#current = current;
    this.#currentId = keyId(current);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#current, iv);
    cipher.setAAD(header(this.#currentId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
    return [VERSION, this.#currentId, ...parts].join(".");
  }

  open(sealed: string): string {
    const { id, iv, tag, ciphertext } = parse(sealed);
    const key = this.#keys.get(id);
    if (!key) {
      throw new SecretBoxError(
        `The value was sealed with an encryption key that is not configured (ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS); its key id is ${id}`,
      );
    }
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(header(id));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretBoxError(
        "The sealed value failed authentication: it was altered or sealed with another key",
      );
    }
  }

  /** False for values sealed with a previous key: those should be sealed again. */
  sealedWithCurrent(sealed: string): boolean {
    return parse(sealed).id === this.#currentId;
  }
}

/**
 * Reads an encryption key from configuration: 64 hex characters, or base64
 * (or base64url) of exactly 32 bytes. Throws naming the variable, never its value.
 */
export function parseEncryptionKey(value: string, name = "ENCRYPTION_KEY"): Buffer {
  const text = value.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, "hex");
  // Node's base64 decoder skips characters it does not know, so check the alphabet first.
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text, "base64");
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error(`${name} ${ENCRYPTION_KEY_EXPECTED}`);
}

/** Names a key without revealing it: the first 8 hex characters of its SHA-256. */
function keyId(key: Buffer) {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

// Authenticated with the ciphertext, so the version and key id cannot be swapped.
function header(id: string) {
  return Buffer.from(`${VERSION}.${id}`);
}

function parse(sealed: string) {
  const [version, id, iv, tag, ciphertext, ...rest] = sealed.split(".");
  const malformed = () =>
    new SecretBoxError(`Not a sealed value: expected "${VERSION}.<keyId>.<iv>.<tag>.<ciphertext>"`);
  if (version !== VERSION || rest.length > 0 || !id || !/^[0-9a-f]{8}$/.test(id)) throw malformed();
  const [ivBytes, tagBytes, ciphertextBytes] = [iv, tag, ciphertext].map((part) =>
    part === undefined ? undefined : decodeBase64url(part),
  );
  if (ivBytes?.length !== IV_BYTES || tagBytes?.length !== TAG_BYTES || !ciphertextBytes)
    throw malformed();
  return { id, iv: ivBytes, tag: tagBytes, ciphertext: ciphertextBytes };
}

// Strict: only the canonical encoding, so no two strings open to the same value.
function decodeBase64url(part: string) {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}
