import { createHash, randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { parseEncryptionKey, SecretBox, SecretBoxError } from "./secret-box.server.ts";

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const keyC = Buffer.alloc(32, 0xc3);

function openError(box: SecretBox, sealed: string) {
  try {
    box.open(sealed);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as Error).name).toBe("SecretBoxError");
    return (error as Error).message;
  }
  throw new Error("expected open to fail");
}

// Replaces one character of a base64url part with another valid one.
function flip(part: string, at = 0) {
  const char = part[at] === "A" ? "B" : "A";
  return part.slice(0, at) + char + part.slice(at + 1);
}

describe("SecretBox", () => {
  test.each(["sk-proj-abc123", "", "ключ 🔑 キー", "x".repeat(10_000)])(
    "seals and opens %j",
    (plaintext) => {
      const box = new SecretBox({ current: keyA });
      const sealed = box.seal(plaintext);
      expect(box.open(sealed)).toBe(plaintext);
      expect(new SecretBox({ current: keyA }).open(sealed)).toBe(plaintext);
    },
  );

  test("a sealed value names its key and hides the plaintext", () => {
    const sealed = new SecretBox({ current: keyA }).seal("sk-secret-value");
    const keyId = createHash("sha256").update(keyA).digest("hex").slice(0, 8);
    expect(sealed).toMatch(
      new RegExp(`^v1\\.${keyId}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]+$`),
    );
    expect(sealed).not.toContain("sk-secret-value");
    expect(Buffer.from(sealed.split(".")[4]!, "base64url").toString()).not.toContain("secret");
  });

  test("two seals of the same text differ", () => {
    const box = new SecretBox({ current: keyA });
    const first = box.seal("same");
    const second = box.seal("same");
    expect(first).not.toBe(second);
    expect(first.split(".")[2]).not.toBe(second.split(".")[2]);
    expect([box.open(first), box.open(second)]).toEqual(["same", "same"]);
  });

  test.each([
    ["version", 0],
    ["key id", 1],
    ["iv", 2],
    ["tag", 3],
    ["ciphertext", 4],
  ])("tampering with the %s fails", (_name, index) => {
    const box = new SecretBox({ current: keyA });
    const parts = box.seal("sk-tamper-me").split(".");
    parts[index] = index === 0 ? "v2" : flip(parts[index]!);
    expect(openError(box, parts.join("."))).not.toContain("sk-tamper-me");
  });

  test("a ciphertext moved under another configured key's id fails authentication", () => {
    const box = new SecretBox({ current: keyA, previous: [keyB] });
    const [, , ...rest] = box.seal("sk-moved").split(".");
    const idB = new SecretBox({ current: keyB }).seal("").split(".")[1];
    expect(openError(box, ["v1", idB, ...rest].join("."))).toMatch(
      /altered or sealed with another key/,
    );
  });

  test("a flipped bit anywhere in the ciphertext fails authentication", () => {
    const box = new SecretBox({ current: keyA });
    const parts = box.seal("sk-0123456789").split(".");
    const bytes = Buffer.from(parts[4]!, "base64url");
    for (let at = 0; at < bytes.length; at++) {
      const altered = Buffer.from(bytes);
      altered[at]! ^= 0x01;
      parts[4] = altered.toString("base64url");
      expect(openError(box, parts.join("."))).toMatch(/altered or sealed with another key/);
    }
  });

  test("a value sealed with a previous key opens, and is reported for re-sealing", () => {
    const sealedWithA = new SecretBox({ current: keyA }).seal("sk-old");
    const rotated = new SecretBox({ current: keyB, previous: [keyC, keyA] });
    expect(rotated.open(sealedWithA)).toBe("sk-old");
    expect(rotated.sealedWithCurrent(sealedWithA)).toBe(false);

    const resealed = rotated.seal(rotated.open(sealedWithA));
    expect(rotated.sealedWithCurrent(resealed)).toBe(true);
    expect(new SecretBox({ current: keyB }).open(resealed)).toBe("sk-old");
  });

  test("a value sealed with a key that is not configured says so", () => {
    const sealed = new SecretBox({ current: keyA }).seal("sk-lost");
    const message = openError(new SecretBox({ current: keyB, previous: [keyC] }), sealed);
    expect(message).toContain(
      "sealed with an encryption key that is not configured (ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS)",
    );
    expect(message).not.toContain("sk-lost");
    expect(message).not.toContain(keyA.toString("hex"));
    expect(message).not.toContain(keyB.toString("hex"));
  });

  test.each([
    "",
    "sk-plain-text-key",
    "v1",
    "v1.....",
    "v1.abcdef12.a.b.c",
    "v1.ABCDEF12.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA",
    "v1.abcdef1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA",
    "v1.abcdef12.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
    "v1.abcdef12.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA.AA",
    "v1.abcdef12.AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA",
    "v1.abcdef12.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAA.AA",
    "v1.abcdef12.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.A+/=",
    "v1.abcdef12.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AB",
  ])("%j is not a sealed value", (value) => {
    const box = new SecretBox({ current: keyA });
    expect(openError(box, value)).toMatch(/^Not a sealed value/);
    expect(() => box.sealedWithCurrent(value)).toThrow(SecretBoxError);
  });

  test("keys must be 32 bytes", () => {
    expect(() => new SecretBox({ current: Buffer.alloc(16) })).toThrow(/32 bytes/);
    expect(() => new SecretBox({ current: keyA, previous: [Buffer.alloc(33)] })).toThrow(
      /32 bytes/,
    );
  });
});

describe("parseEncryptionKey", () => {
  const bytes = randomBytes(32);

  test.each([
    ["hex", bytes.toString("hex")],
    ["upper-case hex", bytes.toString("hex").toUpperCase()],
    ["base64", bytes.toString("base64")],
    ["base64url", bytes.toString("base64url")],
    ["hex with a trailing newline", `${bytes.toString("hex")}\n`],
  ])("accepts %s of 32 bytes", (_name, value) => {
    expect(parseEncryptionKey(value).equals(bytes)).toBe(true);
  });

  test.each([
    ["31 bytes of hex", randomBytes(31).toString("hex")],
    ["33 bytes of hex", randomBytes(33).toString("hex")],
    ["31 bytes of base64", randomBytes(31).toString("base64")],
    ["33 bytes of base64", randomBytes(33).toString("base64")],
    ["a passphrase", "correct horse battery staple, quite long enough!!"],
    ["hex with a stray character", `${"ab".repeat(31)}zz`],
    ["empty", ""],
  ])("rejects %s, naming the variable but not the value", (_name, value) => {
    const attempt = () => parseEncryptionKey(value, "ENCRYPTION_KEY_PREVIOUS");
    expect(attempt).toThrow(
      "ENCRYPTION_KEY_PREVIOUS must be 32 random bytes as 64 hex characters (or base64), e.g. from `openssl rand -hex 32`",
    );
    try {
      attempt();
    } catch (error) {
      if (value) expect((error as Error).message).not.toContain(value);
    }
  });

  test("names ENCRYPTION_KEY by default", () => {
    expect(() => parseEncryptionKey("nope")).toThrow(/^ENCRYPTION_KEY must be 32 random bytes/);
  });
});
