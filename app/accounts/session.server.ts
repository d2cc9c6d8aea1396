import { clientFacts } from "../http/client-stamp.server.ts";
import { publicOrigin } from "../http/request-origin.server.ts";
import { SESSION_DAYS, type Accounts } from "./accounts.server.ts";

// A session is a database row; the signed cookie only names it. Deleting the
// row signs that browser out, wherever the cookie lives.

const isHttps = (request: Request) => publicOrigin(request).startsWith("https:");

/** Starts a session and returns its Set-Cookie header. */
export async function startSession(accounts: Accounts, request: Request, userId: string) {
  const session = await accounts.prisma.session.create({
    data: {
      userId,
      expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000),
      // What the settings page shows to tell this browser from the others.
      userAgent: request.headers.get("user-agent")?.slice(0, 300) || null,
      ip: clientFacts(request).ip,
    },
  });
  return accounts.sessionCookie.serialize(session.id, { secure: isHttps(request) });
}

/** The signed-in user's id, or undefined. */
export async function getUserId(accounts: Accounts, request: Request): Promise<string | undefined> {
  return (await getSession(accounts, request))?.userId;
}

/**
 * The request's live session: who signed in, and the team account they work in
 * (null: their own). One lookup by primary key (with the user's row, for a
 * disabled user); its "last seen" is written at most once a minute.
 */
export async function getSession(accounts: Accounts, request: Request) {
  const sessionId: unknown = await accounts.sessionCookie.parse(request.headers.get("cookie"));
  if (typeof sessionId !== "string" || !/^[0-9a-f-]{36}$/.test(sessionId)) return undefined;
  const session = await accounts.prisma.session.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      userId: true,
      accountId: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { disabledAt: true } },
    },
  });
  const now = new Date();
  if (!session || session.expiresAt <= now || session.user.disabledAt) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
    await accounts.prisma.session.updateMany({
      where: { id: session.id },
      data: { lastSeenAt: now },
    });
  }
  const { id, userId, accountId, expiresAt } = session;
  return { id, userId, accountId, expiresAt };
}

const LAST_SEEN_EVERY_MS = 60_000;

/** Remembers in the session which account its pages work in (null: the user's own). */
export async function switchAccount(
  accounts: Accounts,
  sessionId: string,
  accountId: string | null,
) {
  await accounts.prisma.session.update({ where: { id: sessionId }, data: { accountId } });
}

/** Ends the request's session and returns the Set-Cookie header that clears the cookie. */
export async function endSession(accounts: Accounts, request: Request) {
  const sessionId: unknown = await accounts.sessionCookie.parse(request.headers.get("cookie"));
  if (typeof sessionId === "string" && /^[0-9a-f-]{36}$/.test(sessionId)) {
    await accounts.prisma.session.deleteMany({ where: { id: sessionId } });
  }
  return accounts.sessionCookie.serialize("", { maxAge: 0, secure: isHttps(request) });
}
