// The processes `npm run bench` runs and measures: each in its own process,
// pinned like ../shared/bench/peer-compare.sh pins them when the machine has two
// cores (load generator and upstream on cpu0; the gateway, its database and the
// minimal proxy on cpu1), so that CPU per request can be read off /proc.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

export const canPin =
  cpus().length >= 2 && existsSync("/usr/bin/taskset") && process.platform === "linux";

export function pin(pid: number, cpu: 0 | 1, withThreads = true) {
  if (canPin)
    execFileSync(
      "taskset",
      [withThreads ? "-a" : "", "-p", "-c", String(cpu), String(pid)].filter(Boolean),
      { stdio: "ignore" },
    );
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/**
 * Starts `node args…` from the project root and waits for `readyText` in its
 * output, or, for a URL, until that URL answers 200.
 */
export async function startNode(
  args: string[],
  env: Record<string, string>,
  ready: string | URL,
  cpu?: 0 | 1,
) {
  const child = await spawnNode(args, env, typeof ready === "string" ? ready : undefined, cpu);
  if (ready instanceof URL) await untilOk(ready, child);
  return child;
}

async function untilOk(url: URL, child: ChildProcess) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url.host} exited ${child.exitCode}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function spawnNode(
  args: string[],
  env: Record<string, string>,
  readyText: string | undefined,
  cpu?: 0 | 1,
) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const command = canPin && cpu !== undefined ? "taskset" : process.execPath;
    const commandArgs =
      canPin && cpu !== undefined ? ["-c", String(cpu), process.execPath, ...args] : args;
    const child = spawn(command, commandArgs, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    if (readyText === undefined) child.once("spawn", () => resolve(child));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyText !== undefined && output.includes(readyText)) resolve(child);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}:\n${output}`)));
  });
}

/** CPU time (user + system, ms) of a process, from /proc. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0; // the process ended (e.g. a database backend that closed)
  }
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** The PostgreSQL server of a data directory and all its backends. */
export function postgresPids(pgdata: string): number[] {
  const postmaster = Number(readFileSync(join(pgdata, "postmaster.pid"), "utf8").split("\n")[0]);
  const children = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1] ===
          String(postmaster)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}
