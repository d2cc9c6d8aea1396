import { createCookie, type Cookie } from "react-router";
import { parseEnv } from "../config/env.server.ts";
import { getPrisma, type Prisma } from "../db/prisma.server.ts";
import { creditsToMicro } from "../utils/money.ts";
import { DEFAULT_SIGN_UPS_PER_ADDRESS_PER_HOUR } from "../config/account-limits.ts";

/** What the account modules need; built once from the environment, or by tests. */
export interface Accounts {
  prisma: Prisma;
  sessionCookie: Cookie;
  /** Signed proof that this browser signed in before with an email (see login-throttle.server.ts). */
  deviceCookie: Cookie;
  /** Signs what must come back unaltered (team invitation links); the session secret. */
  signingSecret: string;
  /** µcr every new user starts with. */
  signupCredits: bigint;
  adminEmail: string | undefined;
  /** Sign-ups one client address may make per hour (sign-up-throttle.server.ts). */
  signUpsPerAddressPerHour: number;
}

export function createAccounts(options: {
  prisma: Prisma;
  sessionSecret: string;
  signupCredits?: number;
  adminEmail?: string;
  signUpsPerAddressPerHour?: number;
}): Accounts {
  return {
    prisma: options.prisma,
    // httpOnly and SameSite=Lax always; Secure is decided per request (https or not).
    sessionCookie: createCookie("gw_session", {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secrets: [options.sessionSecret],
      maxAge: SESSION_DAYS * 24 * 3600,
    }),
    deviceCookie: createCookie("gw_device", {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secrets: [options.sessionSecret],
      maxAge: 365 * 24 * 3600,
    }),
    signingSecret: options.sessionSecret,
    signupCredits: creditsToMicro(options.signupCredits ?? 0),
    adminEmail: options.adminEmail?.toLowerCase(),
    signUpsPerAddressPerHour:
      options.signUpsPerAddressPerHour ?? DEFAULT_SIGN_UPS_PER_ADDRESS_PER_HOUR,
  };
}

export const SESSION_DAYS = 30;

let instance: Accounts | undefined;

/** The process's accounts context, from the environment main.ts prepared. */
export function getAccounts(): Accounts {
  if (!instance) {
    const env = parseEnv(process.env);
    if (!env.DATABASE_URL || !env.SESSION_SECRET)
      throw new Error("DATABASE_URL and SESSION_SECRET must be set");
    instance = createAccounts({
      prisma: getPrisma(),
      sessionSecret: env.SESSION_SECRET,
      signupCredits: env.SIGNUP_CREDITS,
      adminEmail: env.ADMIN_EMAIL,
      signUpsPerAddressPerHour: env.SIGNUPS_PER_ADDRESS_PER_HOUR,
    });
  }
  return instance;
}
