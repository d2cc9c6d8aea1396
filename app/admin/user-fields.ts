import { z } from "zod";

// The admin Users page's forms: a change to a user (a button) and credits
// granted to one, for conform in the browser and the action on the server.

export const UserChangeSchema = z.object({
  intent: z.enum(["disable", "enable", "make-admin", "remove-admin"]),
  userId: z.uuid(),
});

// Credits granted go through the ledger's grant (grants.server.ts), as on the admin page.
export const UserGrantSchema = z.object({
  intent: z.literal("grant"),
  userId: z.uuid(),
  token: z.uuid(),
  credits: z.coerce
    .number({ error: "Enter a number of credits" })
    .int("Enter whole credits")
    .min(1, "At least 1 credit")
    .max(10_000_000, "At most 10,000,000 credits"),
  note: z
    .string({ error: "Say why (shown in the user's history and the audit log)" })
    .trim()
    .min(1, "Say why (shown in the user's history and the audit log)")
    .max(500, "Use at most 500 characters"),
});

/** Users one page lists; a search finds the others. */
export const USERS_SHOWN = 50;
