import { createHmac, timingSafeEqual } from "node:crypto";

// How a receiver knows a webhook is the gateway's (ADR 068), as Stripe signs
// its own: `X-Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>" keyed with the endpoint's secret>`. The timestamp is signed, so
// a receiver can refuse old replays.

export const SIGNATURE_HEADER = "x-gateway-signature";

export function signatureHeader(secret: string, body: string, unixSeconds: number) {
  const digest = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${digest}`;
}

/** Whether `header` signs `body` with `secret` within `toleranceSeconds` of now. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = Date.now(),
) {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHeader(secret, body, t).split("v1=")[1]!, "hex");
  const given = Buffer.from(String(parts.v1 ?? ""), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
