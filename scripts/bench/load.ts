// Load for `npm run bench`: wrk when it is installed (apt-get install wrk; it
// costs a fraction of autocannon's CPU per request, so that the load generator
// is not what limits a fast target), else autocannon, at a fixed number of
// connections; and a first-token probe of sequential streamed requests over one
// kept-alive socket.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";

export interface Target {
  name: string;
  url: string;
  model: string;
  /** Keys to send in turn (one for most targets; a thousand for the many-accounts variant). */
  keys: string[];
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

export function chatBody(model: string, stream: boolean) {
  return JSON.stringify({
    model,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    max_tokens: 200,
    messages: [{ role: "user", content: "Say hello in one short sentence." }],
  });
}

export const WRK = ["/usr/bin/wrk", "/usr/local/bin/wrk"].find((path) => existsSync(path));

export function load(
  target: Target,
  stream: boolean,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  return WRK
    ? loadWithWrk(WRK, target, stream, connections, seconds)
    : loadWithAutocannon(target, stream, connections, seconds);
}

async function loadWithWrk(
  wrk: string,
  target: Target,
  stream: boolean,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const script = join(mkdtempSync(join(tmpdir(), "bench-wrk-")), "load.lua");
  writeFileSync(
    script,
    `local keys = {${target.keys.map((key) => JSON.stringify(key)).join(",")}}
local next = 0
local body = ${JSON.stringify(chatBody(target.model, stream))}
request = function()
  next = next % #keys + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. keys[next] }, body)
end
done = function(summary, latency)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %.3f %d %d\\n", summary.requests, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout + e.status, summary.duration))
end
`,
  );
  const { stdout } = await promisify(execFile)(wrk, [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "-s",
    script,
    `${target.url}/chat/completions`,
  ]);
  const summary = /RESULT (.*)/.exec(stdout);
  if (!summary) throw new Error(`wrk printed no result:\n${stdout}`);
  const [requests, p50, p99, failures, micros] = summary[1]!.split(" ").map(Number);
  return {
    rps: requests! / (micros! / 1e6),
    p50: p50!,
    p99: p99!,
    requests: requests!,
    failures: failures!,
  };
}

async function loadWithAutocannon(
  target: Target,
  stream: boolean,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `${target.url}/chat/completions`,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        body: chatBody(target.model, stream),
        setupRequest: (request) => ({
          ...request,
          headers: {
            ...request.headers,
            "content-type": "application/json",
            authorization: `Bearer ${target.keys[next++ % target.keys.length]}`,
          },
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/** Time to the first byte of the answer's body, p50 and p99 of `samples` sequential streams (ms). */
export async function firstToken(target: Target, samples = 300) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = chatBody(target.model, true);
  const url = new URL(`${target.url}/chat/completions`);
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const request = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${target.keys[0]}`,
          },
        },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
          let first: number | undefined;
          response.on("data", () => (first ??= performance.now() - started));
          response.on("end", () => resolve(first ?? Number.NaN));
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  for (let i = 0; i < 30; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await once());
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
