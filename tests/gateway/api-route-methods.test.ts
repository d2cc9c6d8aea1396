// Every route under /v1, /api and /api/v1 answers every method in JSON (issue #22, item 3):
// a resource route without a loader or an action would leave GET or POST... to React Router,
// which answers 405 with {"message": "Unexpected Server Error"} and no Allow header. So each
// exports both, the one it does not serve answering methodNotAllowed (the 405 with Allow).
// This holds routes added later to the same rule; tests/gateway/api-paths.test.ts checks the
// answers on a real process.
import { join } from "node:path";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import { expect, test } from "vitest";
import routes from "../../app/routes.ts";

const API_PATH = /^(v1|api)(\/|$)/;

function flatten(entries: RouteConfigEntry[]): RouteConfigEntry[] {
  return entries.flatMap((entry) => [entry, ...flatten(entry.children ?? [])]);
}

const apiRoutes = flatten(routes).filter((entry) => entry.path && API_PATH.test(entry.path));

test.each(apiRoutes.map((entry) => [entry.path!, entry.file] as const))(
  "%s (%s) exports a loader and an action",
  async (_path, file) => {
    const module = (await import(join(import.meta.dirname, "..", "..", "app", file))) as {
      loader?: unknown;
      action?: unknown;
    };
    expect(typeof module.loader).toBe("function");
    expect(typeof module.action).toBe("function");
  },
);

test("the API's routes are all there", () => {
  expect(apiRoutes.length).toBeGreaterThan(30);
});
