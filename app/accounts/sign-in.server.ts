import { hash } from "node:crypto";
import { clientFacts } from "../http/client-stamp.server.ts";
import { publicOrigin } from "../http/request-origin.server.ts";
import type { Accounts } from "./accounts.server.ts";
import { checkThrottle, normalizedEmail, recordLoginFailure } from "./login-throttle.server.ts";
import { verifyLogin } from "./sign-up.server.ts";
import { audit } from "./audit-log.server.ts";

export type SignInResult =
  | { ok: true; userId: string; deviceCookie: string }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number; message: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "disabled"; message: string };

/**
 * Throttle, verify, record: the one sign-in the form and the JSON API share.
 * A success also returns the device cookie that lets this browser past the
 * per-email slow-down next time.
 */
export async function signIn(
  accounts: Accounts,
  request: Request,
  credentials: { email: string; password: string },
): Promise<SignInResult> {
  const { ip } = clientFacts(request);
  const proof = await accounts.deviceCookie.parse(request.headers.get("cookie"));
  const throttle = await checkThrottle(accounts.prisma, {
    email: credentials.email,
    ip,
    knownDevice: proof === deviceProof(credentials.email),
  });
  if (!throttle.allowed) return { ok: false, reason: "throttled", ...throttle };
  const user = await verifyLogin(accounts, credentials);
  if (!user) {
    await recordLoginFailure(accounts.prisma, credentials.email, ip);
    await audit(accounts.prisma, request, {
      action: "sign_in_failed",
      actorId: null,
      subject: normalizedEmail(credentials.email),
    });
    return { ok: false, reason: "invalid" };
  }
  const userId = user.id;
  // Said only to whoever knows the password: it tells no stranger the account exists.
  if (user.disabled) {
    await audit(accounts.prisma, request, {
      action: "sign_in_failed",
      actorId: null,
      subject: normalizedEmail(credentials.email),
      details: { disabled: true },
    });
    return { ok: false, reason: "disabled", message: DISABLED_MESSAGE };
  }
  const deviceCookie = await accounts.deviceCookie.serialize(deviceProof(credentials.email), {
    secure: publicOrigin(request).startsWith("https:"),
  });
  await audit(accounts.prisma, request, { action: "sign_in", actorId: userId });
  return { ok: true, userId, deviceCookie };
}

export const DISABLED_MESSAGE = "This account is disabled. Ask an administrator of this gateway.";

/** What the device cookie holds: the email's hash, not the email. */
function deviceProof(email: string) {
  return hash("sha256", `gw-device:${normalizedEmail(email)}`).slice(0, 32);
}
