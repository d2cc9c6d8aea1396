// The image copies only the entry files beside the build (Dockerfile, ADR 031):
// every module app/server/main.ts and the scripts it copies import from the
// source tree must be copied too, or the container exits at its start.
import { readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "..");

/** The files the Dockerfile's final stage copies from the source tree. */
function copiedFiles(): Set<string> {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const files = new Set<string>();
  for (const line of finalStage.split("\n")) {
    const copy = /^COPY (?!--from)(.+) (\S+)$/.exec(line.trim());
    if (copy) for (const source of copy[1]!.split(/\s+/)) files.add(normalize(source));
  }
  return files;
}

/** The relative imports of a source file that run (not `import type`), and theirs, from the repository root. */
function localImports(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(join(ROOT, file), "utf8");
  const imports =
    /(?:^\s*import(?!\s+type\b)[^"]*?from\s*|^\s*import\s+|\bimport\s*\(\s*)"(\.{1,2}\/[^"]+)"/gm;
  for (const match of text.matchAll(imports)) {
    const imported = relative(ROOT, join(ROOT, dirname(file), match[1]!));
    if (seen.has(imported)) continue;
    seen.add(imported);
    localImports(imported, seen);
  }
  return seen;
}

test("the image copies every source module its entry files import", () => {
  const copied = copiedFiles();
  const entries = [...copied].filter((file) => file.endsWith(".ts"));
  expect(entries).toContain("app/server/main.ts");
  const missing = entries.flatMap((entry) =>
    [...localImports(entry)]
      .filter((file) => !copied.has(file))
      .map((file) => `${entry} → ${file}`),
  );
  expect(missing).toEqual([]);
});
