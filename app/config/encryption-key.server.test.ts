import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { parseEncryptionKey } from "../security/secret-box.server.ts";
import { resolveEncryptionKey } from "./encryption-key.server.ts";

const execFileAsync = promisify(execFile);

function tempDataDir() {
  // A directory that does not exist yet, as on a first start.
  return join(mkdtempSync(join(tmpdir(), "encryption-key-")), "data");
}

test("a configured key is returned as is, and no file is written", () => {
  const dataDir = tempDataDir();
  const configured = "ab".repeat(32);
  expect(resolveEncryptionKey(configured, dataDir)).toBe(configured);
  expect(() => statSync(join(dataDir, "encryption-key"))).toThrow(/ENOENT/);
});

test("without one, a key is created once in the data directory (mode 0600) and kept", () => {
  const dataDir = tempDataDir();
  const key = resolveEncryptionKey(undefined, dataDir);
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  expect(parseEncryptionKey(key)).toHaveLength(32);

  const path = join(dataDir, "encryption-key");
  expect(readFileSync(path, "utf8")).toBe(`${key}\n`);
  expect(statSync(path).mode & 0o777).toBe(0o600);

  expect(resolveEncryptionKey(undefined, dataDir)).toBe(key);
  expect(resolveEncryptionKey("", dataDir)).toBe(key);
  expect(resolveEncryptionKey(undefined, tempDataDir())).not.toBe(key);
});

test("a key file written by another process is used", () => {
  const dataDir = tempDataDir();
  resolveEncryptionKey(undefined, dataDir);
  const theirs = "cd".repeat(32);
  writeFileSync(join(dataDir, "encryption-key"), `${theirs}\n`);
  expect(resolveEncryptionKey(undefined, dataDir)).toBe(theirs);
});

test("a damaged key file stops the start instead of being replaced", () => {
  const dataDir = tempDataDir();
  resolveEncryptionKey(undefined, dataDir);
  const path = join(dataDir, "encryption-key");
  writeFileSync(path, "not a key\n");
  expect(() => resolveEncryptionKey(undefined, dataDir)).toThrow(
    `The key file ${path} must be 32 random bytes as 64 hex characters`,
  );
  expect(readFileSync(path, "utf8")).toBe("not a key\n");
});

test("processes starting together agree on one key", async () => {
  const dataDir = tempDataDir();
  const module = new URL("./encryption-key.server.ts", import.meta.url).href;
  // Every process waits, once loaded, for the same instant, so that they race.
  const startAt = Date.now() + 1500;
  const script = `
    const { resolveEncryptionKey } = await import(${JSON.stringify(module)});
    while (Date.now() < ${startAt});
    process.stdout.write(resolveEncryptionKey(undefined, ${JSON.stringify(dataDir)}));
  `;
  const keys = await Promise.all(
    Array.from({ length: 12 }, async () => {
      const { stdout } = await execFileAsync(process.execPath, [
        "--input-type=module",
        "-e",
        script,
      ]);
      return stdout;
    }),
  );
  const stored = readFileSync(join(dataDir, "encryption-key"), "utf8").trim();
  expect(keys).toEqual(Array(12).fill(stored));
  expect(readdirSync(dataDir)).toEqual(["encryption-key"]);
});
