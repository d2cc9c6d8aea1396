import { z } from "zod";
import { ALERT_KINDS, EVENT_TYPES } from "./notification-kinds.ts";

// The Alerts page's forms (dashboard.alerts.tsx): one schema each for conform in
// the browser and the action on the server.

export const NewWebhookFormSchema = z.object({
  intent: z.literal("webhook"),
  url: z
    .string({ error: "Enter the endpoint's URL" })
    .max(2_000)
    .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
      message: "Enter an http:// or https:// URL",
    }),
  // Checkboxes: none ticked means every event.
  events: z.array(z.enum(EVENT_TYPES)).optional(),
});

export const NewAlertFormSchema = z.object({
  intent: z.literal("alert"),
  kind: z.enum(ALERT_KINDS, { error: "Pick what to watch" }),
  // Credits for balance and daily spend, a percent for a key's or a member's limit.
  amount: z
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "At least 1")
    .max(1_000_000_000),
  // The key or member a percent rule watches.
  subjectId: z.uuid({ error: "Pick a key or a member" }).optional(),
  email: z.boolean().default(false),
});

export const NotificationButtonSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("delete-webhook"), id: z.uuid() }),
  z.object({ intent: z.literal("test-webhook"), id: z.uuid() }),
  z.object({ intent: z.literal("delete-alert"), id: z.uuid() }),
]);
