// components.json is what the shadcn CLI reads (`npx shadcn add <component>`): its aliases
// become the import specifiers of the files it writes, so each must resolve, through
// package.json's "imports", to where our components and helpers are (ADR 047).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const config = JSON.parse(readFileSync(join(ROOT, "components.json"), "utf8")) as {
  tailwind: { css: string; config: string; cssVariables: boolean };
  aliases: Record<"components" | "ui" | "utils" | "lib" | "hooks", string>;
};
const resolveFromRoot = (specifier: string) =>
  createRequire(join(ROOT, "package.json")).resolve(specifier);

test("the aliases resolve to our components and the cn helper, as the CLI writes them", () => {
  const { aliases } = config;
  expect(resolveFromRoot(`${aliases.ui}/button`)).toBe(
    join(ROOT, "app", "components", "ui", "button.tsx"),
  );
  expect(resolveFromRoot(`${aliases.components}/site-header`)).toBe(
    join(ROOT, "app", "components", "site-header.tsx"),
  );
  expect(resolveFromRoot(aliases.utils)).toBe(join(ROOT, "app", "utils", "cn.ts"));
  expect(readFileSync(resolveFromRoot(aliases.utils), "utf8")).toMatch(/export function cn\(/);
  expect(aliases.lib.startsWith("#") && aliases.hooks.startsWith("#")).toBe(true);
});

test("the stylesheet it edits is the app's, with the theme tokens as CSS variables (Tailwind 4: no config file)", () => {
  const css = join(ROOT, config.tailwind.css);
  expect(existsSync(css)).toBe(true);
  expect(readFileSync(css, "utf8")).toMatch(/@import "tailwindcss";[\s\S]*--background:/);
  expect(config.tailwind).toMatchObject({ config: "", cssVariables: true });
});
