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
  ["playground"],
  ["admin"],
  ["api"],
  ["hooks"],
  ["components"],
  ["routes", "root.tsx", "entry.server.tsx", "routes.ts", "+types"],
  ["server"],
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

/** The imports of one module (its path below app/ and its text) that run up a layer. */
function upwardImportsOf(from: string, source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const to = importedPath(path.join(APP, from), (match[1] ?? match[2])!);
    if (to === null || to.startsWith("..")) continue;
    if (layerOf(to) > layerOf(from)) found.push(`${from} -> ${to}`);
  }
  return found;
}

function upwardImports(): string[] {
  return sourceFiles(APP)
    .flatMap((file) => upwardImportsOf(path.relative(APP, file), readFileSync(file, "utf8")))
    .sort();
}

describe("app/ dependencies point one way", () => {
  const found = upwardImports();

  test("no module imports from a layer above its own", () => {
    expect(found).toEqual([]);
  });

  test("the check sees the imports (an upward one is caught, in each way of writing it)", () => {
    const source = [
      'import { prisma } from "../db/prisma.server.ts";',
      'import type { Gateway } from "../gateway/gateway.server.ts";',
      "export { x } from '#app/server/main.ts';",
      'const lazy = () => import("../routes/login.tsx");',
    ].join("\n");
    expect(upwardImportsOf("catalog/a.ts", source)).toEqual([
      "catalog/a.ts -> gateway/gateway.server.ts",
      "catalog/a.ts -> server/main.ts",
      "catalog/a.ts -> routes/login.tsx",
    ]);
    expect(() => layerOf("newfolder/a.ts")).toThrow(/newfolder has no layer/);
    expect(sourceFiles(APP).length).toBeGreaterThan(100);
  });
});
