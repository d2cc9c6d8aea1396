import nodemailer, { type Transporter } from "nodemailer";
import { parseEnv, type Env } from "../config/env.server.ts";

/**
 * How this gateway gets a mail to a user: through SMTP_URL; without it, a
 * local start writes what it would have sent to its log (a warn line), and a
 * production start cannot send mail at all (ADR 044).
 */
export type MailDelivery =
  { kind: "smtp"; url: string; from: string } | { kind: "log" } | { kind: "unavailable" };

export function mailDelivery(
  source: Record<string, string | undefined> = process.env,
): MailDelivery {
  const env = parseEnv(source);
  // The process sets MAIL_DELIVERY at start (start-gateway.server.ts): it then
  // runs with NODE_ENV=production whatever the operator's value was.
  const kind = source.MAIL_DELIVERY ?? mailDeliveryKind(env);
  if (kind === "smtp" && env.SMTP_URL) return { kind, url: env.SMTP_URL, from: env.MAIL_FROM };
  return { kind: kind === "log" ? "log" : "unavailable" };
}

/** How mail goes out with this configuration. */
export function mailDeliveryKind(env: Pick<Env, "SMTP_URL" | "NODE_ENV">): MailDelivery["kind"] {
  if (env.SMTP_URL) return "smtp";
  return env.NODE_ENV === "production" ? "unavailable" : "log";
}

// One pooled transport per SMTP_URL (tests point the process at a server of their own).
const transports = new Map<string, Transporter>();

/** Sends a plain-text mail through SMTP_URL; rejects when the server refuses it. */
export async function sendMail(
  delivery: Extract<MailDelivery, { kind: "smtp" }>,
  mail: { to: string; subject: string; text: string },
) {
  let transport = transports.get(delivery.url);
  if (!transport) {
    transport = nodemailer.createTransport(delivery.url);
    transports.set(delivery.url, transport);
  }
  await transport.sendMail({ from: delivery.from, ...mail });
}
