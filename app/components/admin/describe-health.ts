import type { ProviderHealth } from "#app/admin/provider-health.server.ts";

/** "Last 15 min: 120 requests, 2% errors, median 850 ms (first token 310 ms)". */
export function describeHealth(health: ProviderHealth | null, minutes: number) {
  if (!health || health.requests === 0) return `No requests in the last ${minutes} min.`;
  const errorRate = Math.round((health.errors / health.requests) * 100);
  const latency = health.latencyP50Ms === null ? "" : `, median ${health.latencyP50Ms} ms`;
  const firstToken =
    health.firstTokenP50Ms === null ? "" : ` (first token ${health.firstTokenP50Ms} ms)`;
  return `Last ${minutes} min: ${health.requests} requests, ${errorRate}% errors${latency}${firstToken}.`;
}
