// What the teams pages and the server share (ADR 030).

export const TEAM_ROLES = ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const;

/** What each role may do, in the words the pages use. */
export const ROLE_HELP: Record<(typeof TEAM_ROLES)[number], string> = {
  OWNER: "billing, members, deleting the team",
  ADMIN: "every key and its limits",
  MEMBER: "their own keys; usage",
  VIEWER: "usage, read-only; keys they made are refused",
};

/** How long an invitation link works unless its maker says otherwise. */
export const INVITATION_DAYS = 7;
