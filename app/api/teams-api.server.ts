import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { listTeamsOf, openTeam } from "../accounts/teams/teams.server.ts";
import { requireApiUserId } from "../accounts/require-user.server.ts";
import { jsonApi, readBody } from "./api-helpers.server.ts";

// The teams of the signed-in user: their ids are what the other endpoints take
// as `?team=` or `X-Team` to act for a team (ADR 030).

const toJson = (team: { id: string; name: string; role: string }) => ({
  id: team.id,
  name: team.name,
  role: team.role.toLowerCase(),
});

/** GET /api/teams */
export const listTeamsApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const userId = await requireApiUserId(accounts, request);
    return Response.json({ teams: (await listTeamsOf(accounts.prisma, userId)).map(toJson) });
  });

const CreateTeamSchema = z.object({
  name: z
    .string({ error: "is required" })
    .trim()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters"),
});

/** POST /api/teams {name}: a team with the caller as its owner. */
export const createTeamApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const userId = await requireApiUserId(accounts, request);
    const { name } = await readBody(request, CreateTeamSchema);
    const id = await openTeam(accounts.prisma, request, userId, name);
    return Response.json({ team: toJson({ id, name, role: "OWNER" }) }, { status: 201 });
  });
