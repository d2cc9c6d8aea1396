import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

/**
 * The folders of `app/`, lowest first. A module may import from its own folder
 * and from folders below it, never from one above: the request path reads top
 * to bottom and nothing low depends on what is built on it. `server/` is the
 * composition root (the process: it wires everything and is imported by
 * nothing). docs/decisions/051-one-way-dependencies.md explains the order.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["utils", "generated"],
  ["security"],
  ["config"],
  ["observability"],
  ["http"],
  ["db"],
  ["llm"],
  ["providers"],
  ["protocols"],
  ["catalog"],
  ["billing"],
  ["accounts"],
  ["payments"],
  ["gateway"],
  ["usage"],
  ["admin"],
  ["api"],
  ["hooks"],
  ["components"],
  ["routes", "root.tsx", "entry.server.tsx", "routes.ts", "+types"],
  ["server"],
];

/**
 * Imports that still run up a layer, each one to be removed by issue #24's
 * restructuring. A new upward import fails the test; an entry here that no
 * longer exists fails it too, so the list only shrinks.
 */
const KNOWN_UPWARD: readonly string[] = [
  "accounts/allowed-models.server.ts -> admin/model-aliases.server.ts",
  "components/theme-toggle.tsx -> root.tsx",
  "utils/use-signed-in-user.ts -> root.tsx",
];

const APP = path.resolve(import.meta.dirname, "../../app");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "generated" || entry.name === "__fixtures__" ? [] : sourceFiles(full);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The path below `app/` an import specifier names, or null for a package. */
function importedPath(fromFile: string, specifier: string): string | null {
  if (specifier.startsWith("#app/")) return specifier.slice("#app/".length);
  if (specifier.startsWith("#components/")) return "components/" + specifier.slice(12);
  if (specifier.startsWith("#lib/")) return "utils/" + specifier.slice(5);
  if (specifier.startsWith("#hooks/")) return "hooks/" + specifier.slice(7);
  if (specifier.startsWith("./+types/")) return "+types";
  if (!specifier.startsWith(".")) return null;
  return path.relative(APP, path.resolve(path.dirname(fromFile), specifier));
}

function layerOf(appPath: string): number {
  const top = appPath.split(/[/\\]/)[0]!;
  const index = LAYERS.findIndex((folders) => folders.includes(top));
  if (index === -1) throw new Error(`app/${appPath}: its folder ${top} has no layer in LAYERS`);
  return index;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function upwardImports(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(APP)) {
    const from = path.relative(APP, file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const to = importedPath(file, (match[1] ?? match[2])!);
      if (to === null || to.startsWith("..")) continue;
      if (layerOf(to) > layerOf(from)) found.push(`${from} -> ${to}`);
    }
  }
  return found.sort();
}

describe("app/ dependencies point one way", () => {
  const found = upwardImports();

  test("no module imports from a layer above its own", () => {
    expect(found.filter((edge) => !KNOWN_UPWARD.includes(edge))).toEqual([]);
  });

  test("every known upward import still exists (the list only shrinks)", () => {
    expect(KNOWN_UPWARD.filter((edge) => !found.includes(edge))).toEqual([]);
  });

  test("the check sees the imports (a module that imports upward is caught)", () => {
    expect(layerOf("server/main.ts")).toBeGreaterThan(layerOf("gateway/x.ts"));
    expect(importedPath(path.join(APP, "billing/a.ts"), "../gateway/b.ts")).toBe("gateway/b.ts");
    expect(sourceFiles(APP).length).toBeGreaterThan(100);
  });
});
