import type { Prisma } from "../db/prisma.server.ts";

// Failed sign-ins are counted per client IP, per (email, IP) pair and per
// email, over a sliding window. The first two refuse: they stop one client
// guessing. The per-email ceiling is much higher and only slows: past it, a
// client must wait between attempts for that email, unless it proves an
// earlier successful sign-in with that email (the signed device cookie). So
// nobody can lock another user out, and there is no bucket every client shares.

export const WINDOW_MS = 15 * 60_000;
export const LIMITS = { perIp: 50, perEmailAndIp: 10, perEmail: 100 } as const;
/** Past the per-email ceiling, the least time between attempts from unknown devices. */
export const SLOW_DOWN_MS = 30_000;

export type ThrottleDecision =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; message: string };

export async function checkThrottle(
  prisma: Prisma,
  attempt: { email: string; ip: string; knownDevice: boolean },
): Promise<ThrottleDecision> {
  const email = normalizedEmail(attempt.email);
  const now = Date.now();
  const since = new Date(now - WINDOW_MS);
  const [byIp, byPair, byEmail] = await Promise.all([
    prisma.loginFailure.aggregate({
      where: { ip: attempt.ip, createdAt: { gt: since } },
      _count: true,
      _min: { createdAt: true },
    }),
    prisma.loginFailure.aggregate({
      where: { email, ip: attempt.ip, createdAt: { gt: since } },
      _count: true,
      _min: { createdAt: true },
    }),
    prisma.loginFailure.aggregate({
      where: { email, createdAt: { gt: since } },
      _count: true,
      _max: { createdAt: true },
    }),
  ]);
  // Refused until the oldest counted failure leaves the window.
  const untilWindowFrees = (oldest: Date | null) =>
    Math.max(1, Math.ceil(((oldest?.getTime() ?? now) + WINDOW_MS - now) / 1000));
  if (byIp._count >= LIMITS.perIp) {
    return {
      allowed: false,
      retryAfterSeconds: untilWindowFrees(byIp._min.createdAt),
      message: "Too many failed sign-ins from this address.",
    };
  }
  if (byPair._count >= LIMITS.perEmailAndIp) {
    return {
      allowed: false,
      retryAfterSeconds: untilWindowFrees(byPair._min.createdAt),
      message: "Too many failed sign-ins for this email from this address.",
    };
  }
  const lastFailure = byEmail._max.createdAt?.getTime() ?? 0;
  if (
    !attempt.knownDevice &&
    byEmail._count >= LIMITS.perEmail &&
    now - lastFailure < SLOW_DOWN_MS
  ) {
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((lastFailure + SLOW_DOWN_MS - now) / 1000)),
      message: "This account sees many failed sign-ins, so attempts are slowed down.",
    };
  }
  return { allowed: true };
}

export async function recordLoginFailure(prisma: Prisma, email: string, ip: string) {
  await prisma.loginFailure.create({ data: { email: normalizedEmail(email), ip } });
}

export function normalizedEmail(email: string) {
  return email.trim().toLowerCase();
}
