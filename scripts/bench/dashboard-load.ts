// The dashboard and JSON API with a large usage log: each page asked 30 times
// in a row (after 3 unmeasured), signed in as the heavy account or the team's
// owner, as `npm run bench -- --seed-rows N` seeded them. p50 and p95 in ms;
// for the CSV export, the time to its first bytes (it streams the whole log).
import { HEAVY_PASSWORD, type SeededUsage } from "./seed-usage.ts";

const TIMES = 30;

export async function measureDashboard(base: string, seeded: SeededUsage) {
  const heavy = await signIn(base, seeded.heavy.email);
  const owner = await signIn(base, seeded.team.ownerEmail);
  const switched = await fetch(`${base}/dashboard/switch`, {
    method: "POST",
    headers: { cookie: owner, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ account: seeded.team.id }),
    redirect: "manual",
  });
  if (switched.status !== 302) throw new Error(`switching to the team: ${switched.status}`);
  const key = seeded.heavy.keyIds[0]!;
  const bearer = `Bearer ${seeded.heavy.secret}`;
  const pages: [string, string, Record<string, string>][] = [
    ["overview, 90 days", "/dashboard?days=90", { cookie: heavy }],
    ["overview, 30 days", "/dashboard", { cookie: heavy }],
    ["usage log", "/dashboard/usage", { cookie: heavy }],
    ["usage log, one model", `/dashboard/usage?model=${seeded.models[1]}`, { cookie: heavy }],
    ["usage log, errors", "/dashboard/usage?status=ERROR", { cookie: heavy }],
    [
      "usage log, one key, a month",
      `/dashboard/usage?key=${key}&from=${daysAgo(45)}&to=${daysAgo(15)}`,
      { cookie: heavy },
    ],
    ["a key's page", `/dashboard/keys/${key}`, { cookie: heavy }],
    ["keys", "/dashboard/keys", { cookie: heavy }],
    ["credits", "/dashboard/credits", { cookie: heavy }],
    ["team: overview", "/dashboard?days=90", { cookie: owner }],
    ["team: usage with spend by member", "/dashboard/usage", { cookie: owner }],
    ["CSV export, first bytes", "/dashboard/usage.csv", { cookie: heavy }],
    ["JSON API: GET /api/api-keys", "/api/api-keys", { cookie: heavy }],
    ["JSON API: GET /api/v1/key", "/api/v1/key", { authorization: bearer }],
    ["JSON API: GET /api/v1/credits", "/api/v1/credits", { authorization: bearer }],
  ];
  const rows: string[] = [];
  for (const [name, path, headers] of pages) {
    const times: number[] = [];
    for (let i = 0; i < TIMES + 3; i++) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, { headers, redirect: "manual" });
      if (response.status !== 200) throw new Error(`${name}: ${path} answered ${response.status}`);
      // The CSV streams the whole log: its first bytes are what a user waits for.
      if (path.endsWith(".csv")) {
        const reader = response.body!.getReader();
        await reader.read();
        await reader.cancel();
      } else await response.arrayBuffer();
      if (i >= 3) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    rows.push(
      `| ${name} | \`${path.replace(/=[0-9a-f-]{36}/, "=<key>").replace(/\/[0-9a-f-]{36}/, "/<key>")}\` | ${at(0.5).toFixed(1)} | ${at(0.95).toFixed(1)} |`,
    );
    console.log(rows.at(-1));
  }
  return rows;
}

async function signIn(base: string, email: string) {
  const response = await fetch(`${base}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password: HEAVY_PASSWORD }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!response.ok || !cookie) throw new Error(`signing in as ${email}: ${response.status}`);
  return cookie;
}

const daysAgo = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
