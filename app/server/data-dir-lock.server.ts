import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export class DataDirBusyError extends Error {}

/**
 * Claims the data directory for this process with a pid file, so that a second
 * gateway started on the same directory stops with a clear message instead of
 * touching a database that another process owns. A lock left by a dead process
 * is taken over.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, "gateway.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => releaseIfOurs(lockPath) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readPid(lockPath);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new DataDirBusyError(
          `Another gateway (pid ${owner}) is already running on ${dataDir}. ` +
            "Stop it first, or give this one its own DATA_DIR.",
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirBusyError(`Could not lock ${dataDir}: ${lockPath} keeps reappearing.`);
}

export function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOurs(lockPath: string) {
  if (readPid(lockPath) === process.pid) rmSync(lockPath, { force: true });
}
