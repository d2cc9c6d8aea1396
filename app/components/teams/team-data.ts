// The team in use as the Teams page's loader gives it to its components.

export interface TeamMemberRow {
  userId: string;
  email: string;
  role: string;
  /** Whole credits as the form shows them; null for no limit. */
  monthlyLimit: string | null;
  you: boolean;
  joined: string;
  thisMonth: string;
}

export interface CurrentTeamData {
  id: string;
  name: string;
  role: string;
  /** Owners: change members and invitations. */
  manages: boolean;
  /** Owners and admins: set members' monthly limits. */
  setsLimits: boolean;
  members: TeamMemberRow[];
  invitations: { id: string; role: string; expiresAt: string }[];
  /** The team's guardrails in words, and as the form's fields (ADR 067). */
  guardrails: string;
  guardrailValues: Record<string, string>;
}

/** The invitation just made: its link is shown this once. */
export type Invited = { inviteLink: string; role: string; expiresAt: string } | null;
