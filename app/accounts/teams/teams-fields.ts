import { z } from "zod";
import { INVITATION_DAYS, TEAM_ROLES } from "./team-rules.ts";

// The Teams page's forms (ADR 048): one schema each for conform in the browser
// and the action on the server. Which member or team exists only the server can tell.

const Role = z.enum(TEAM_ROLES, { error: "Pick a role" });

export const CreateTeamSchema = z.object({
  intent: z.literal("create"),
  name: z
    .string({ error: "Give the team a name" })
    .trim()
    .min(1, "Give the team a name")
    .max(100, "Use at most 100 characters"),
  // Off by default: a new team has no credits or keys, so working in it is a choice.
  switch: z.boolean().default(false),
});

export const InviteSchema = z.object({
  intent: z.literal("invite"),
  role: Role,
  days: z
    .number({ error: "Enter a whole number of days" })
    .int("Enter a whole number of days")
    .min(1, "At least 1 day")
    .max(30, "At most 30 days")
    .default(INVITATION_DAYS),
});

export const MemberRoleSchema = z.object({
  intent: z.literal("role"),
  userId: z.uuid(),
  role: Role,
});

export const MemberLimitSchema = z.object({
  intent: z.literal("limit"),
  userId: z.uuid(),
  // Credits per UTC month; empty for no limit.
  monthlyLimit: z
    .number({ error: "Enter a whole number of credits, or nothing for no limit" })
    .int("Enter a whole number of credits, or nothing for no limit")
    .min(1, "At least 1 credit, or nothing for no limit")
    .max(1_000_000_000)
    .optional(),
});

export const DeleteTeamSchema = z.object({
  intent: z.literal("delete"),
  confirm: z.literal("yes", { error: "Tick the box to confirm" }),
});

/** The forms without fields to type: a hand-made request that breaks them is a 400. */
export const TeamButtonSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("revoke"), id: z.uuid() }),
  z.object({ intent: z.literal("remove"), userId: z.uuid() }),
  z.object({ intent: z.literal("leave") }),
]);

/** Each form's id on the page: an answer goes back to the form that was sent. */
export const teamFormId = (intent: string, userId?: string) =>
  userId ? `${intent}-${userId}` : intent;
