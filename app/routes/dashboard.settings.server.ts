import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { z } from "zod";
import { ChangeEmailSchema, ChangePasswordSchema } from "#app/accounts/account-rules.ts";
import { changeEmail, changePassword } from "#app/accounts/account-settings.server.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import {
  listSessions,
  revokeOtherSessions,
  revokeSession,
} from "#app/accounts/user-sessions.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The Settings page's loader and action (the page is dashboard.settings.tsx):
// password, email and sessions of the signed-in person (ADR 044).

const RevokeSchema = z.object({ intent: z.literal("revoke"), sessionId: z.uuid() });

export async function loadSettingsPage({ request }: { request: Request }) {
  const { userId, sessionId } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const [user, sessions] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } }),
    listSessions(prisma, userId),
  ]);
  return {
    email: user.email ?? "",
    sessions: sessions.map((session) => ({
      id: session.id,
      device: describeUserAgent(session.userAgent),
      userAgent: session.userAgent ?? "",
      ip: session.ip ?? "unknown",
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      current: session.id === sessionId,
    })),
  };
}

export async function settingsPageAction({ request }: { request: Request }) {
  const { userId, sessionId } = await requirePageScope(request);
  const { prisma } = getAccounts();
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "password") {
    const submission = parseWithZod(form, { schema: ChangePasswordSchema });
    const hide = { hideFields: ["currentPassword", "newPassword"] };
    if (submission.status !== "success")
      return data({ intent, result: submission.reply(hide) }, { status: 400 });
    const changed = await changePassword(prisma, { id: userId, sessionId }, submission.value);
    if (changed === "wrong-password")
      return data(
        {
          intent,
          result: submission.reply({
            ...hide,
            fieldErrors: { currentPassword: ["This is not your current password"] },
          }),
        },
        { status: 400 },
      );
    await audit(prisma, request, { action: "password_changed", actorId: userId, subject: userId });
    return redirectWithToast(
      "/dashboard/settings",
      changed.signedOut > 0
        ? `Password changed. Signed out ${plural(changed.signedOut, "other session")}.`
        : "Password changed.",
    );
  }
  if (intent === "email") {
    const submission = parseWithZod(form, { schema: ChangeEmailSchema });
    const hide = { hideFields: ["password"] };
    if (submission.status !== "success")
      return data({ intent, result: submission.reply(hide) }, { status: 400 });
    const changed = await changeEmail(prisma, userId, submission.value);
    if (typeof changed === "string")
      return data(
        {
          intent,
          result: submission.reply({
            ...hide,
            fieldErrors:
              changed === "taken"
                ? { email: ["Another account has this email"] }
                : { password: ["This is not your password"] },
          }),
        },
        { status: changed === "taken" ? 409 : 400 },
      );
    await audit(prisma, request, {
      action: "email_changed",
      actorId: userId,
      subject: userId,
      details: { from: changed.from, to: changed.to },
    });
    return redirectWithToast("/dashboard/settings", `You now sign in as ${changed.to}.`);
  }
  if (intent === "revoke") {
    const parsed = RevokeSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw data("Name a session to sign out", { status: 400 });
    if (!(await revokeSession(prisma, userId, parsed.data.sessionId)))
      throw data("No such session: it may have been signed out already", { status: 404 });
    await audit(prisma, request, { action: "session_revoked", actorId: userId, subject: userId });
    if (parsed.data.sessionId === sessionId) return redirectWithToast("/login", "Signed out.");
    return redirectWithToast("/dashboard/settings", "That session is signed out.");
  }
  if (intent === "revoke-others") {
    const count = await revokeOtherSessions(prisma, userId, sessionId);
    await audit(prisma, request, {
      action: "session_revoked",
      actorId: userId,
      subject: userId,
      details: { others: count },
    });
    return redirectWithToast(
      "/dashboard/settings",
      `Signed out ${plural(count, "other session")}.`,
    );
  }
  throw data("Unknown action", { status: 400 });
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** "Chrome on Linux" from a user agent: enough to tell one's own browsers apart. */
function describeUserAgent(userAgent: string | null) {
  if (!userAgent) return "Unknown device";
  const browser =
    [
      ["Edg/", "Edge"],
      ["Firefox/", "Firefox"],
      ["Chrome/", "Chrome"],
      ["Safari/", "Safari"],
      ["curl/", "curl"],
    ].find(([marker]) => userAgent.includes(marker!))?.[1] ?? "Browser";
  const system =
    [
      ["Android", "Android"],
      ["iPhone", "iOS"],
      ["iPad", "iPadOS"],
      ["Windows", "Windows"],
      ["Mac OS X", "macOS"],
      ["Linux", "Linux"],
    ].find(([marker]) => userAgent.includes(marker!))?.[1] ?? "";
  return system ? `${browser} on ${system}` : browser;
}
