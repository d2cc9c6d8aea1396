import { createHash, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Prisma } from "../db/prisma.server.ts";
import { processLogger } from "../observability/logger.server.ts";
import { publicOrigin } from "../http/request-origin.server.ts";
import { audit } from "./audit-log.server.ts";
import { sendMail, type MailDelivery } from "./mailer.server.ts";
import { BCRYPT_COST } from "./sign-up.server.ts";

// Password reset by email (ADR 044). The link carries a random token; the
// database keeps only its SHA-256, so a leaked table opens no account. A token
// works once, for RESET_LINK_MINUTES, and a reset signs every session out.

export const RESET_LINK_MINUTES = 60;
/** Links one account may be sent per hour: enough for a lost mail, not for flooding an inbox. */
export const RESET_LINKS_PER_HOUR = 3;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Mails (or, without SMTP, logs) a reset link when the email belongs to an
 * active person. The caller answers the same whether or not it does, and the
 * mail goes out after the answer, so neither words nor timing tell.
 */
export async function requestPasswordReset(
  prisma: Prisma,
  request: Request,
  email: string,
  delivery: Exclude<MailDelivery, { kind: "unavailable" }>,
) {
  const user = await prisma.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, disabledAt: true, kind: true },
  });
  if (!user?.email || user.disabledAt || user.kind !== "PERSON") return;
  const recent = await prisma.passwordResetToken.count({
    where: { userId: user.id, createdAt: { gt: new Date(Date.now() - 3600_000) } },
  });
  if (recent >= RESET_LINKS_PER_HOUR) return;
  const link = await issueResetLink(prisma, request, user.id);
  await audit(prisma, request, {
    action: "password_reset_requested",
    actorId: null,
    subject: user.id,
  });
  if (delivery.kind === "log") {
    processLogger().warn(
      { email: user.email, resetLink: link },
      "password reset link (no SMTP_URL is set, so it is logged instead of mailed)",
    );
    return;
  }
  const to = user.email;
  sendMail(delivery, {
    to,
    subject: "Reset your LLM Gateway password",
    text: [
      "Someone (we hope you) asked to reset the password of your LLM Gateway account.",
      "",
      `Open this link within ${RESET_LINK_MINUTES} minutes to choose a new password:`,
      "",
      link,
      "",
      "If it was not you, ignore this mail: your password stays as it is.",
    ].join("\n"),
  }).catch((error: unknown) =>
    processLogger().error({ err: error, email: to }, "could not send the password reset mail"),
  );
}

/** A new reset link for the user: its token stored as a hash, live for RESET_LINK_MINUTES. */
async function issueResetLink(prisma: Prisma, request: Request, userId: string) {
  const token = randomBytes(32).toString("base64url");
  await prisma.passwordResetToken.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + RESET_LINK_MINUTES * 60_000),
    },
  });
  return `${publicOrigin(request)}/reset-password/${token}`;
}

/**
 * A reset link an admin makes for someone and passes on: how a person who forgot
 * their password gets back in where no mail server is configured. Undefined for
 * a user who cannot sign in (disabled, a team account).
 */
export async function adminResetLink(
  prisma: Prisma,
  request: Request,
  { adminId, userId }: { adminId: string; userId: string },
) {
  const user = await prisma.user.findFirst({
    where: { id: userId, kind: "PERSON", disabledAt: null },
    select: { email: true },
  });
  if (!user?.email) return undefined;
  const link = await issueResetLink(prisma, request, userId);
  await audit(prisma, request, {
    action: "password_reset_link_made",
    actorId: adminId,
    subject: userId,
  });
  return { email: user.email, link };
}

/** Whether a reset link still works (for the page before the form is sent). */
export async function resetTokenIsLive(prisma: Prisma, token: string) {
  const row = await prisma.passwordResetToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { usedAt: true, expiresAt: true, user: { select: { disabledAt: true } } },
  });
  return Boolean(row && !row.usedAt && row.expiresAt > new Date() && !row.user.disabledAt);
}

/**
 * Uses the token (once) to set a new password; every session of the user
 * ends and their other links stop working. The user's id, or undefined for a
 * token that is unknown, used, expired or whose user was disabled.
 */
export async function resetPassword(
  prisma: Prisma,
  request: Request,
  token: string,
  password: string,
) {
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  const now = new Date();
  const userId = await prisma.$transaction(async (tx) => {
    // One statement claims the token: of two submits at once, one finds it unused.
    const claimed = await tx.passwordResetToken.updateManyAndReturn({
      where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
      select: { userId: true },
    });
    const userId = claimed[0]?.userId;
    if (!userId) return undefined;
    const { count } = await tx.user.updateMany({
      where: { id: userId, disabledAt: null },
      data: { passwordHash },
    });
    if (count === 0) return undefined;
    await tx.passwordResetToken.updateMany({
      where: { userId, usedAt: null },
      data: { usedAt: now },
    });
    await tx.session.deleteMany({ where: { userId } });
    return userId;
  });
  if (userId) await audit(prisma, request, { action: "password_reset", actorId: userId });
  return userId;
}
