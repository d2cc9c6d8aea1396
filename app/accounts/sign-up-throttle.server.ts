import { isIP } from "node:net";
import type { Prisma } from "../db/prisma.server.ts";

// Sign-ups are counted per client address over a sliding hour, like failed
// sign-ins (login-throttle.server.ts), in the database so that every instance
// counts the same ones (ADR 034; issue #21, finding 10: 194-207 accounts in
// 10 s from one address). Each valid attempt counts, an email that is taken
// too (or the answers would tell which emails exist); bad input does not.

export const SIGN_UP_WINDOW_MS = 60 * 60_000;

export type SignUpDecision =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; message: string };

/**
 * Claims one sign-up for the client at `ip`, or says how long to wait. Claims
 * from one address take turns (a lock until the transaction ends), so a burst
 * cannot pass the count all at once.
 */
export async function claimSignUp(
  prisma: Prisma,
  ip: string,
  perHour: number,
): Promise<SignUpDecision> {
  const address = signUpAddress(ip);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-up:${address}`}, 0))`;
    const now = Date.now();
    // Attempts that left the window count no more; the address's own rows are kept few.
    await tx.signUpAttempt.deleteMany({
      where: { address, createdAt: { lte: new Date(now - SIGN_UP_WINDOW_MS) } },
    });
    const counted = await tx.signUpAttempt.aggregate({
      where: { address },
      _count: true,
      _min: { createdAt: true },
    });
    if (counted._count >= perHour) {
      const oldest = counted._min.createdAt?.getTime() ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + SIGN_UP_WINDOW_MS - now) / 1000)),
        message: "Too many sign-ups from this address.",
      };
    }
    await tx.signUpAttempt.create({ data: { address } });
    return { allowed: true };
  });
}

/**
 * What one client counts as: its IPv4 address, or the /64 network of its IPv6
 * address (a provider hands each customer at least a /64, so counting single
 * IPv6 addresses would count nothing).
 */
export function signUpAddress(ip: string) {
  const plain = ip.split("%", 1)[0]!;
  if (isIP(plain) !== 6) return ip;
  return `${ipv6Groups(plain).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, "::" expanded, without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const [head = "", tail] = ip.split("::");
  const part = (text: string) => (text === "" ? [] : text.split(":"));
  const groups = [...part(head)];
  const end = tail === undefined ? [] : part(tail);
  if (tail !== undefined) groups.push(...Array<string>(8 - groups.length - end.length).fill("0"));
  groups.push(...end);
  return groups.map((group) => parseInt(group, 16).toString(16));
}
