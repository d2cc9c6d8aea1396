// What events and alerts exist (ADR 068): shared by the server and the Alerts page's forms.

export const EVENT_TYPES = [
  "alert.triggered",
  "key.created",
  "key.revoked",
  "payment.succeeded",
  "payment.failed",
  "auto_topup.charged",
  "auto_topup.declined",
  "provider.circuit_opened",
  "provider.circuit_closed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number] | "ping";

export const ALERT_KINDS = [
  "balance_below",
  "daily_spend_over",
  "key_limit_percent",
  "member_limit_percent",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
