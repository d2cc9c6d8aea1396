import type { Accounts } from "../accounts/accounts.server.ts";
import { signIn } from "../accounts/sign-in.server.ts";
import { endSession, startSession } from "../accounts/session.server.ts";
import { EmailTakenError, signUp } from "../accounts/sign-up.server.ts";
import { claimSignUp } from "../accounts/sign-up-throttle.server.ts";
import { clientFacts } from "../http/client-stamp.server.ts";
import { SignInSchema, SignUpSchema } from "../accounts/account-rules.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { requireApiScope } from "../accounts/require-user.server.ts";
import { jsonApi, money, readBody } from "./api-helpers.server.ts";
import { requireSameOrigin } from "../http/same-origin.server.ts";
import { audit } from "../accounts/audit-log.server.ts";

/** POST /api/auth/sign-up */
export const signUpApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    requireSameOrigin(request);
    const input = await readBody(request, SignUpSchema);
    const { ip } = clientFacts(request);
    const claim = await claimSignUp(accounts.prisma, ip, accounts.signUpsPerAddressPerHour);
    if (!claim.allowed) {
      throw new GatewayError(429, `${claim.message} Try again later.`, {
        type: "rate_limit_error",
        code: "sign_up_throttled",
        retryAfter: claim.retryAfterSeconds,
      });
    }
    const user = await signUp(accounts, input).catch((error: unknown) => {
      if (error instanceof EmailTakenError) {
        throw new GatewayError(409, error.message, {
          type: "invalid_request_error",
          code: "email_taken",
          param: "email",
        });
      }
      throw error;
    });
    await audit(accounts.prisma, request, { action: "sign_up", actorId: user.id });
    const cookie = await startSession(accounts, request, user.id);
    return Response.json(
      { user: { id: user.id, email: user.email, role: user.role }, balance: money(user.balance) },
      { status: 201, headers: { "Set-Cookie": cookie } },
    );
  });

/** POST /api/auth/sign-in: sets the session cookie. */
export const signInApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    requireSameOrigin(request);
    const input = await readBody(request, SignInSchema);
    const result = await signIn(accounts, request, input);
    if (!result.ok && result.reason === "throttled") {
      throw new GatewayError(429, `${result.message} Try again later.`, {
        type: "rate_limit_error",
        code: "sign_in_throttled",
        retryAfter: result.retryAfterSeconds,
      });
    }
    if (!result.ok && result.reason === "disabled") {
      throw new GatewayError(403, result.message, {
        type: "permission_error",
        code: "account_disabled",
      });
    }
    if (!result.ok) {
      throw new GatewayError(401, "Wrong email or password", {
        type: "authentication_error",
        code: "invalid_credentials",
      });
    }
    const headers = new Headers();
    headers.append("Set-Cookie", await startSession(accounts, request, result.userId));
    headers.append("Set-Cookie", result.deviceCookie);
    return Response.json({ ok: true }, { headers });
  });

/** POST /api/auth/sign-out */
export const signOutApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    requireSameOrigin(request);
    return Response.json(
      { ok: true },
      { headers: { "Set-Cookie": await endSession(accounts, request) } },
    );
  });

/** GET /api/auth/profile: the user and the balance. */
export const profileApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request);
    const [user, account] = await Promise.all([
      accounts.prisma.user.findUniqueOrThrow({
        where: { id: scope.userId },
        select: { id: true, email: true, role: true, createdAt: true },
      }),
      accounts.prisma.user.findUniqueOrThrow({
        where: { id: scope.accountId },
        select: { balance: true, reserved: true },
      }),
    ]);
    return Response.json({
      user: { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt },
      // With ?team=: the team, your role in it, and its balance.
      team: scope.team && { id: scope.accountId, name: scope.team.name, role: scope.role },
      balance: money(account.balance),
      reserved: money(account.reserved),
    });
  });
