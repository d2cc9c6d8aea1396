import type { Prisma } from "../db/prisma.server.ts";

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;

/** True when this email or this IP failed too often in the last 15 minutes. */
export async function isThrottled(prisma: Prisma, email: string, ip: string) {
  const since = new Date(Date.now() - WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    prisma.loginFailure.count({
      where: { email: email.trim().toLowerCase(), createdAt: { gt: since } },
    }),
    prisma.loginFailure.count({ where: { ip, createdAt: { gt: since } } }),
  ]);
  return byEmail >= MAX_FAILURES || byIp >= MAX_FAILURES;
}

export async function recordLoginFailure(prisma: Prisma, email: string, ip: string) {
  await prisma.loginFailure.create({ data: { email: email.trim().toLowerCase(), ip } });
}
