// Prisma's schema engine compiled to WebAssembly: it runs offline, where the
// `prisma migrate` CLI cannot (it downloads a native engine first). We use it
// to write migration SQL from schema.prisma. Its introspection of a live
// database fails through the pg adapter ("Column type 'char' could not be
// deserialized"), so we only ever diff one datamodel against another.
// The package is internal to Prisma, so everything that touches it stays here.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

export const SCHEMA_PATH = join(import.meta.dirname, "..", "prisma", "schema.prisma");

let initialized: Promise<void> | undefined;

function initWasm() {
  initialized ??= (async () => {
    const glue = fileURLToPath(import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bytes = await readFile(join(dirname(glue), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
  })();
  return initialized;
}

/**
 * The SQL that takes a database shaped by `from` (a schema.prisma text, or
 * null for an empty database) to the shape of `to`; "" when they match.
 * The engine insists on a reachable database even for this, hence the URL.
 */
export async function diffDatamodels(databaseUrl: string, from: string | null, to: string) {
  await initWasm();
  const file = (content: string) => ({ path: "schema.prisma", content });
  const adapter = bindMigrationAwareSqlAdapterFactory(
    new PrismaPg({ connectionString: databaseUrl }, { schema: "public" }),
  );
  const engine = await bg.SchemaEngine.new(
    { datamodels: [["schema.prisma", to]] },
    () => {},
    adapter,
  );
  try {
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [file(from)] },
      to: { tag: "schemaDatamodel", files: [file(to)] },
      script: true,
      exitCode: false,
      filters: { externalTables: [], externalEnums: [] },
    });
    const script = (result.stdout ?? "")
      // Migrations run against an existing database; leave its schema to the operator.
      .replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
    return script.trim() === "-- This is an empty migration." ? "" : script;
  } finally {
    engine.free();
  }
}

export function readSchema() {
  return readFile(SCHEMA_PATH, "utf8");
}
