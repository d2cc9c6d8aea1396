import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { HEAP_FLAGS } from "./heap-flags.server.ts";

// A process that applies the flags, then says what it runs with.
const PROBE = `
import { applyHeapFlags } from ${JSON.stringify(join(import.meta.dirname, "heap-flags.server.ts"))};
applyHeapFlags();
console.log(JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(2) }));
`;

const script = join(mkdtempSync(join(tmpdir(), "heap-flags-")), "probe.mjs");
writeFileSync(script, PROBE);

function probe(args: string[], env: Record<string, string> = {}) {
  const output = execFileSync(process.execPath, [...args, script, "extra-argument"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
  return JSON.parse(output) as { execArgv: string[]; argv: string[] };
}

describe("applyHeapFlags", () => {
  test("restarts the process once with the heap flags, keeping its own flags and arguments", () => {
    const ran = probe(["--no-warnings"]);
    expect(ran.execArgv).toEqual(expect.arrayContaining([...HEAP_FLAGS, "--no-warnings"]));
    expect(ran.execArgv.filter((flag) => flag === HEAP_FLAGS[0])).toHaveLength(1);
    expect(ran.argv).toEqual(["extra-argument"]);
  });

  test("leaves alone an operator's own heap flags, on the command line or in NODE_OPTIONS", () => {
    expect(probe(["--max-semi-space-size=32"]).execArgv).toEqual(["--max-semi-space-size=32"]);
    expect(probe([], { NODE_OPTIONS: "--max-semi-space-size=32" }).execArgv).not.toContain(
      HEAP_FLAGS[0],
    );
  });
});
