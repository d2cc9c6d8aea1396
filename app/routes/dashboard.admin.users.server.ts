import { randomUUID } from "node:crypto";
import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { grantCredits } from "#app/accounts/grants.server.ts";
import { adminResetLink, RESET_LINK_MINUTES } from "#app/accounts/password-reset.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { UserChangeSchema, UserGrantSchema, USERS_SHOWN } from "#app/admin/user-fields.ts";
import { changeUser, listUsers, type UserChange } from "#app/admin/users.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { creditsToMicro, formatMoney } from "#app/utils/money.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The admin Users page's loader and action (ADR 044): find people, see their
// balance, disable or enable them, give or take the admin role, grant credits,
// make a password reset link.

const CHANGES: Record<z.infer<typeof UserChangeSchema>["intent"], UserChange> = {
  disable: { disabled: true },
  enable: { disabled: false },
  "make-admin": { role: "ADMIN" },
  "remove-admin": { role: "USER" },
};

/** The users a search finds (the newest first), and the one credits are being granted to. */
export async function usersPage({ request }: { request: Request }) {
  const adminId = await requireAdminId(request);
  const url = new URL(request.url);
  const search = (url.searchParams.get("q") ?? "").trim().slice(0, 254);
  const { prisma } = getAccounts();
  const users = await listUsers(prisma, search, USERS_SHOWN);
  const grantTo = url.searchParams.get("grant");
  const grantee = grantTo
    ? await prisma.user.findFirst({
        where: { id: z.uuid().safeParse(grantTo).success ? grantTo : undefined, kind: "PERSON" },
        select: { id: true, email: true },
      })
    : null;
  return {
    adminId,
    search,
    // A fresh token per page view: a double submit grants once.
    grantToken: randomUUID(),
    grantee: grantee && grantTo ? { id: grantee.id, email: grantee.email ?? "" } : null,
    users: users.map((user) => ({
      id: user.id,
      email: user.email ?? "",
      admin: user.role === "ADMIN",
      disabled: user.disabledAt !== null,
      balance: formatMoney(user.balance),
      keys: user._count.apiKeys,
      since: user.createdAt.toISOString().slice(0, 10),
    })),
  };
}

/** One of the page's buttons or its grant form, told apart by its `intent`. */
export async function usersAction({ request }: { request: Request }) {
  const adminId = await requireAdminId(request);
  const form = await readForm(request);
  if (form.get("intent") === "grant") return grant(request, adminId, form);
  if (form.get("intent") === "reset-link") return resetLink(request, adminId, form);
  return applyChange(request, adminId, form);
}

/** Credits through the ledger's grant (grants.server.ts), as on the Admin page; a toast says what was done. */
async function grant(request: Request, adminId: string, form: FormData) {
  const { prisma } = getAccounts();
  const submission = parseWithZod(form, { schema: UserGrantSchema });
  if (submission.status !== "success")
    return data({ grant: submission.reply(), message: null }, { status: 400 });
  const { userId, credits, note, token } = submission.value;
  const user = await prisma.user.findFirst({
    where: { id: userId, kind: "PERSON" },
    select: { email: true },
  });
  if (!user?.email) throw data("No such user", { status: 404 });
  const granted = await grantCredits(prisma, {
    adminId,
    email: user.email,
    credits,
    note,
    token,
  });
  if (!granted) throw data("No such user", { status: 404 });
  if (!granted.replayed)
    await audit(prisma, request, {
      action: "credits_granted",
      actorId: adminId,
      subject: userId,
      details: { micro: granted.amount.toString(), note },
    });
  return redirectWithToast(
    "/dashboard/admin/users",
    granted.replayed
      ? "Already granted: this form was submitted before."
      : `Granted ${formatMoney(creditsToMicro(credits))} to ${user.email}.`,
  );
}

/** A password reset link for a user, made by an admin. */
async function resetLink(request: Request, adminId: string, form: FormData) {
  const { prisma } = getAccounts();
  const userId = z.uuid().safeParse(form.get("userId"));
  if (!userId.success) throw data("Name a user", { status: 400 });
  const made = await adminResetLink(prisma, request, { adminId, userId: userId.data });
  if (!made) throw data("No such user who can sign in", { status: 404 });
  // Shown once, to be passed on: like a new key's secret, never stored in the clear.
  return { grant: null, message: null, resetLink: { ...made, minutes: RESET_LINK_MINUTES } };
}

/** Disable, enable, make or remove an admin; a toast says what was done, the search kept. */
async function applyChange(request: Request, adminId: string, form: FormData) {
  const { prisma } = getAccounts();
  const parsed = UserChangeSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw data("Name a user and what to change", { status: 400 });
  const { intent, userId } = parsed.data;
  const change = CHANGES[intent];
  const result = await changeUser(prisma, adminId, userId, change);
  if (!result.ok) return data({ grant: null, message: result.message }, { status: result.status });
  await audit(prisma, request, {
    action: "role" in change ? "role_changed" : change.disabled ? "user_disabled" : "user_enabled",
    actorId: adminId,
    subject: userId,
    details: "role" in change ? { role: change.role } : undefined,
  });
  const done = {
    disable: `${result.email} is disabled: signed out, and their API keys are refused.`,
    enable: `${result.email} can sign in again.`,
    "make-admin": `${result.email} is an admin now.`,
    "remove-admin": `${result.email} is no longer an admin.`,
  }[intent];
  const back = new URL(request.url).search;
  return redirectWithToast(`/dashboard/admin/users${back}`, done);
}
