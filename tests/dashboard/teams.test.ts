// Teams through the pages (ADR 030): every route with every role and with a
// non-member, the account switcher, invitations and the rules of membership.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import * as overview from "../../app/routes/dashboard._index.tsx";
import * as credits from "../../app/routes/dashboard.credits.tsx";
import * as keys from "../../app/routes/dashboard.keys.tsx";
import * as keyPage from "../../app/routes/dashboard.keys.$id.tsx";
import * as providerKeys from "../../app/routes/dashboard.provider-keys.tsx";
import * as switcher from "../../app/routes/dashboard.switch.ts";
import * as teams from "../../app/routes/dashboard.teams.tsx";
import * as dashboard from "../../app/routes/dashboard.tsx";
import * as usageCsv from "../../app/routes/dashboard.usage.csv.ts";
import * as requestPage from "../../app/routes/dashboard.usage.$id.tsx";
import * as usage from "../../app/routes/dashboard.usage.tsx";
import * as invite from "../../app/routes/invite.$token.tsx";
import * as login from "../../app/routes/login.tsx";
import * as signup from "../../app/routes/signup.tsx";
import { setupAppDatabase } from "../support/app-database.ts";
import { rebuildUsageDays } from "../../app/usage/usage-days.server.ts";
import {
  createApiKey,
  createCatalogEntry,
  createTeamAccount,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";
import { args, get, post, run, statusOf } from "../support/route-calls.ts";

setupAppDatabase("teams-test-secret");
const prisma = () => getAccounts().prisma;

/** A browser session for the user, switched to `account` through the header's switcher. */
async function sessionOf(userId: string, account?: string) {
  const cookie = (await startSession(getAccounts(), get("/", ""), userId)).split(";")[0]!;
  if (account) {
    const answer = await run(() =>
      switcher.action(args(post("/dashboard/switch", { account }, cookie))),
    );
    expect(statusOf(answer)).toBe(302);
  }
  return cookie;
}

const ROLES = ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const;
type Role = (typeof ROLES)[number];

/** A team with one person in each role, their sessions in it, keys, a request; and an outsider. */
async function teamWithEveryRole() {
  const { teamId, owner, members } = await createTeamAccount(prisma(), {
    credits: 50,
    members: 3,
    name: "Acme",
  });
  const people: Record<Role, { id: string; email: string }> = {
    OWNER: owner,
    ADMIN: members[0]!,
    MEMBER: members[1]!,
    VIEWER: members[2]!,
  };
  for (const role of ["ADMIN", "VIEWER"] as const)
    await prisma().teamMember.update({
      where: { teamId_userId: { teamId, userId: people[role].id } },
      data: { role },
    });
  const cookies = {} as Record<Role, string>;
  for (const role of ROLES) cookies[role] = await sessionOf(people[role].id, teamId);
  const adminKey = await createApiKey(prisma(), teamId, { createdById: people.ADMIN.id });
  const memberKey = await createApiKey(prisma(), teamId, { createdById: people.MEMBER.id });
  const { mapping } = await createCatalogEntry(prisma());
  const conversation = await prisma().conversation.create({
    data: {
      requestId: randomUUID(),
      userId: teamId,
      apiKeyId: memberKey.apiKey.id,
      mappingId: mapping.id,
      modelSlug: "m",
      providerSlug: "p",
      upstreamModel: "m",
      endpoint: "/v1/chat/completions",
      stream: false,
      status: "SUCCESS",
      usageSource: "REPORTED",
      cost: 0n,
      inputPrice: 0n,
      cachedInputPrice: 0n,
      outputPrice: 0n,
      latencyMs: 5,
      prompt: [{ role: "user", content: "the member's secret prompt" }],
      response: "an answer",
    },
  });
  await rebuildUsageDays(prisma(), [teamId]);
  const outsider = await createTeamAccount(prisma(), { name: "Other" });
  return { teamId, people, cookies, adminKey, memberKey, conversation, outsider };
}

describe("every route with every role", () => {
  let team: Awaited<ReturnType<typeof teamWithEveryRole>>;
  beforeAll(async () => {
    team = await teamWithEveryRole();
  });

  const expectStatuses = async (
    call: (cookie: string) => Promise<unknown>,
    expected: Record<Role, number>,
  ) => {
    const got = {} as Record<Role, number>;
    for (const role of ROLES) got[role] = statusOf(await run(() => call(team.cookies[role])));
    expect(got).toEqual(expected);
  };
  const all200 = { OWNER: 200, ADMIN: 200, MEMBER: 200, VIEWER: 200 };

  test("pages everyone in the team may see: layout, overview, usage, a request, the CSV, teams", async () => {
    for (const [path, loader] of [
      ["/dashboard", dashboard.loader],
      ["/dashboard", overview.loader],
      ["/dashboard/usage", usage.loader],
      ["/dashboard/usage.csv", usageCsv.loader],
      ["/dashboard/teams", teams.loader],
    ] as const)
      await expectStatuses((cookie) => Promise.resolve(loader(args(get(path, cookie)))), all200);
    const id = String(team.conversation.id);
    await expectStatuses(
      (cookie) => requestPage.loader(args(get(`/dashboard/usage/${id}`, cookie), { id })),
      all200,
    );
  });

  test("the layout shows the team's balance and name to each member", async () => {
    for (const role of ROLES) {
      const data = await dashboard.loader(args(get("/dashboard", team.cookies[role])));
      expect(data).toMatchObject({
        balance: { credits: "50.00 credits", usd: "$0.50" },
        account: { id: team.teamId, name: "Acme" },
        teams: [{ id: team.teamId, name: "Acme" }],
      });
    }
  });

  test("the navigation offers each role the pages it may open", async () => {
    const may = async (role: Role) =>
      (await dashboard.loader(args(get("/dashboard", team.cookies[role])))).may;
    expect(await may("OWNER")).toEqual({ ownKeys: true, billing: true, providerKeys: true });
    expect(await may("ADMIN")).toEqual({ ownKeys: true, billing: false, providerKeys: true });
    expect(await may("MEMBER")).toEqual({ ownKeys: true, billing: false, providerKeys: false });
    expect(await may("VIEWER")).toEqual({ ownKeys: false, billing: false, providerKeys: false });
  });

  test("keys: owners, admins and members; viewers get 403", async () => {
    await expectStatuses((cookie) => keys.loader(args(get("/dashboard/keys", cookie))), {
      ...all200,
      VIEWER: 403,
    });
    await expectStatuses(
      (cookie) =>
        keys.action(args(post("/dashboard/keys", { intent: "create", name: "mine" }, cookie))),
      { ...all200, VIEWER: 403 },
    );
    // The keys made just now belong to the team and remember who made them.
    const made = await prisma().apiKey.findMany({
      where: { userId: team.teamId, name: "mine" },
      select: { createdById: true },
    });
    expect(made.map((key) => key.createdById).sort()).toEqual(
      [team.people.OWNER.id, team.people.ADMIN.id, team.people.MEMBER.id].sort(),
    );
  });

  test("admins and owners see and manage every key; a member only their own", async () => {
    const listed = async (role: Role) =>
      (await keys.loader(args(get("/dashboard/keys", team.cookies[role])))).keys.map(
        (key) => key.createdBy,
      );
    expect(await listed("ADMIN")).toContain(team.people.MEMBER.email);
    expect(new Set(await listed("MEMBER"))).toEqual(new Set([team.people.MEMBER.email]));
    const disable = (id: string) => (cookie: string) =>
      keys.action(args(post("/dashboard/keys", { intent: "toggle", id, enabled: "true" }, cookie)));
    await expectStatuses(disable(team.adminKey.apiKey.id), {
      OWNER: 302,
      ADMIN: 302,
      MEMBER: 404,
      VIEWER: 403,
    });
    await expectStatuses(disable(team.memberKey.apiKey.id), {
      OWNER: 302,
      ADMIN: 302,
      MEMBER: 302,
      VIEWER: 403,
    });
  });

  test("a key's page: its maker and those who manage every key", async () => {
    const id = team.memberKey.apiKey.id;
    await expectStatuses(
      (cookie) => keyPage.loader(args(get(`/dashboard/keys/${id}`, cookie), { id })),
      { OWNER: 200, ADMIN: 200, MEMBER: 200, VIEWER: 403 },
    );
    const adminsKey = team.adminKey.apiKey.id;
    await expectStatuses(
      (cookie) =>
        keyPage.loader(args(get(`/dashboard/keys/${adminsKey}`, cookie), { id: adminsKey })),
      { OWNER: 200, ADMIN: 200, MEMBER: 404, VIEWER: 403 },
    );
  });

  test("credits and payments: owners only", async () => {
    await expectStatuses((cookie) => credits.loader(args(get("/dashboard/credits", cookie))), {
      OWNER: 200,
      ADMIN: 403,
      MEMBER: 403,
      VIEWER: 403,
    });
    await expectStatuses(
      (cookie) =>
        credits.action(
          args(post("/dashboard/credits", { intent: "free", token: randomUUID() }, cookie)),
        ),
      { OWNER: 200, ADMIN: 403, MEMBER: 403, VIEWER: 403 },
    );
    // The owner's top-up went to the team's balance.
    const account = await prisma().user.findUniqueOrThrow({ where: { id: team.teamId } });
    expect(account.balance).toBeGreaterThan(50_000_000n);
  });

  test("members' monthly limits: owners and admins set them", async () => {
    const member = team.people.MEMBER.id;
    await expectStatuses(
      (cookie) =>
        teams.action(
          args(
            post(
              "/dashboard/teams",
              { intent: "limit", userId: member, monthlyLimit: "25" },
              cookie,
            ),
          ),
        ),
      { OWNER: 302, ADMIN: 302, MEMBER: 403, VIEWER: 403 },
    );
    const row = await prisma().teamMember.findUniqueOrThrow({
      where: { teamId_userId: { teamId: team.teamId, userId: member } },
    });
    expect(row.monthlyLimit).toBe(25_000_000n);
    const page = await teams.loader(args(get("/dashboard/teams", team.cookies.VIEWER)));
    expect(page.current?.members.find((each) => each.userId === member)?.monthlyLimit).toBe("25");
    const bad = await run(() =>
      teams.action(
        args(
          post(
            "/dashboard/teams",
            { intent: "limit", userId: member, monthlyLimit: "-3" },
            team.cookies.OWNER,
          ),
        ),
      ),
    );
    expect(statusOf(bad)).toBe(400);
    const cleared = await run(() =>
      teams.action(
        args(
          post(
            "/dashboard/teams",
            { intent: "limit", userId: member, monthlyLimit: "" },
            team.cookies.ADMIN,
          ),
        ),
      ),
    );
    expect(statusOf(cleared)).toBe(302);
    expect(
      (
        await prisma().teamMember.findUniqueOrThrow({
          where: { teamId_userId: { teamId: team.teamId, userId: member } },
        })
      ).monthlyLimit,
    ).toBeNull();
  });

  test("provider keys (BYOK): owners and admins", async () => {
    await expectStatuses(
      (cookie) => providerKeys.loader(args(get("/dashboard/provider-keys", cookie))),
      { OWNER: 200, ADMIN: 200, MEMBER: 403, VIEWER: 403 },
    );
  });

  test("members and invitations: owners only", async () => {
    await expectStatuses(
      (cookie) =>
        teams.action(args(post("/dashboard/teams", { intent: "invite", role: "MEMBER" }, cookie))),
      { OWNER: 200, ADMIN: 403, MEMBER: 403, VIEWER: 403 },
    );
    await expectStatuses(
      (cookie) =>
        teams.action(
          args(post("/dashboard/teams", { intent: "remove", userId: randomUUID() }, cookie)),
        ),
      { OWNER: 404, ADMIN: 403, MEMBER: 403, VIEWER: 403 },
    );
    // Deleting: only the owner (whose delete is below, on a team of its own).
    for (const role of ["ADMIN", "MEMBER", "VIEWER"] as const) {
      const answer = await run(() =>
        teams.action(
          args(post("/dashboard/teams", { intent: "delete", confirm: "yes" }, team.cookies[role])),
        ),
      );
      expect(statusOf(answer)).toBe(403);
    }
  });

  test("a request's prompt shows to its key's maker and to admins, not to viewers", async () => {
    const id = String(team.conversation.id);
    const content = async (role: Role) =>
      (await requestPage.loader(args(get(`/dashboard/usage/${id}`, team.cookies[role]), { id })))
        .content;
    expect((await content("MEMBER"))?.prompt).toContain("the member's secret prompt");
    expect((await content("ADMIN"))?.prompt).toContain("the member's secret prompt");
    expect(await content("VIEWER")).toBeNull();
  });

  test("the usage page shows each member's spend", async () => {
    const data = await usage.loader(args(get("/dashboard/usage", team.cookies.VIEWER)));
    expect(data.team).toBe("Acme");
    expect(data.members.map((member) => member.email)).toEqual([team.people.MEMBER.email]);
    const filtered = await usage.loader(
      args(get(`/dashboard/usage?member=${team.people.ADMIN.id}`, team.cookies.OWNER)),
    );
    expect(filtered.rows).toEqual([]);
  });

  test("a non-member finds none of the team's things: 404, not 403", async () => {
    const outsider = await sessionOf(team.outsider.owner.id, team.outsider.teamId);
    const switched = await run(() =>
      switcher.action(args(post("/dashboard/switch", { account: team.teamId }, outsider))),
    );
    expect(statusOf(switched)).toBe(404);
    const id = String(team.conversation.id);
    const answers = await Promise.all([
      run(() => requestPage.loader(args(get(`/dashboard/usage/${id}`, outsider), { id }))),
      run(() =>
        keys.action(
          args(
            post(
              "/dashboard/keys",
              { intent: "toggle", id: team.memberKey.apiKey.id, enabled: "false" },
              outsider,
            ),
          ),
        ),
      ),
      run(() =>
        teams.action(
          args(
            post("/dashboard/teams", { intent: "remove", userId: team.people.MEMBER.id }, outsider),
          ),
        ),
      ),
    ]);
    expect(answers.map(statusOf)).toEqual([404, 404, 404]);
    // A session pointed at the team by hand still works in the user's own account.
    await prisma().session.updateMany({
      where: { userId: team.outsider.owner.id },
      data: { accountId: team.teamId },
    });
    const layout = await dashboard.loader(args(get("/dashboard", outsider)));
    expect(layout.account).toBeNull();
    expect((await usage.loader(args(get("/dashboard/usage", outsider)))).rows).toEqual([]);
    expect(
      (await prisma().apiKey.findUniqueOrThrow({ where: { id: team.memberKey.apiKey.id } }))
        .enabled,
    ).toBe(true);
  });
});

describe("a member's key on the keys page (issue #21)", () => {
  const keysPost = (cookie: string, fields: Record<string, string>) =>
    run(() => keys.action(args(post("/dashboard/keys", fields, cookie))));
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  test("the rules form, enabling and content logging: a member may tighten, never loosen; the owner may", async () => {
    const { teamId, owner, members } = await createTeamAccount(prisma(), { members: 1 });
    const member = members[0]!;
    const ownerCookie = await sessionOf(owner.id, teamId);
    const memberCookie = await sessionOf(member.id, teamId);
    const { apiKey } = await createApiKey(prisma(), teamId, { createdById: member.id });
    const { model } = await createCatalogEntry(prisma());
    const rulesPost = (cookie: string, fields: Record<string, string>) =>
      run(() =>
        keyPage.action(
          args(post(`/dashboard/keys/${apiKey.id}`, fields, cookie), { id: apiKey.id }),
        ),
      );
    const ownersRules = {
      creditLimit: "30",
      expiresOn: day(30),
      allowedModels: model.slug,
      rpmLimit: "10",
      tpmLimit: "1000",
      periodLimit: "50",
      limitPeriod: "month",
    };
    expect(statusOf(await rulesPost(ownerCookie, ownersRules))).toBe(302);

    // The form as the page fills it in, sent back unchanged or stricter: saved.
    expect(statusOf(await rulesPost(memberCookie, ownersRules))).toBe(302);
    expect(statusOf(await rulesPost(memberCookie, { ...ownersRules, rpmLimit: "5" }))).toBe(302);
    // Emptied or raised: a 403 naming the rule, and nothing changes.
    const before = await prisma().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    for (const [change, named] of [
      [{ rpmLimit: "" }, /removing its requests-per-minute limit/],
      [{ periodLimit: "" }, /removing its monthly credit limit/],
      [{ allowedModels: "" }, /allowing every model/],
      [{ expiresOn: "" }, /removing its expiry/],
      [{ tpmLimit: "2000" }, /raising its tokens-per-minute limit/],
      [
        { creditLimit: "31" },
        /raising its credit limit from 30\.00 credits \(\$0\.30\) to 31\.00 credits \(\$0\.31\)/,
      ],
    ] as const) {
      const answer = await rulesPost(memberCookie, { ...ownersRules, rpmLimit: "5", ...change });
      expect(statusOf(answer)).toBe(403);
      expect(JSON.stringify((answer as { data?: unknown }).data)).toMatch(named);
    }
    expect(await prisma().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).toEqual(before);

    // Disabled or logged by the owner: the member cannot switch it back.
    const toggle = (cookie: string, enabled: string) =>
      keysPost(cookie, { intent: "toggle", id: apiKey.id, enabled });
    const content = (cookie: string, logContent: string) =>
      keysPost(cookie, { intent: "content", id: apiKey.id, logContent });
    expect(statusOf(await toggle(ownerCookie, "false"))).toBe(302);
    expect(statusOf(await content(ownerCookie, "true"))).toBe(302);
    expect(statusOf(await toggle(memberCookie, "true"))).toBe(403);
    expect(statusOf(await content(memberCookie, "false"))).toBe(403);
    expect(
      await prisma().apiKey.findUniqueOrThrow({
        where: { id: apiKey.id },
        select: { enabled: true, logContent: true },
      }),
    ).toEqual({ enabled: false, logContent: true });

    // The page offers the member only what they may do; the owner everything.
    const page = async (cookie: string) =>
      (await keys.loader(args(get("/dashboard/keys", cookie)))).mayLoosen;
    expect(await page(memberCookie)).toBe(false);
    expect(await page(ownerCookie)).toBe(true);
    expect(statusOf(await toggle(ownerCookie, "true"))).toBe(302);
    expect(statusOf(await rulesPost(ownerCookie, { limitPeriod: "month" }))).toBe(302);
    expect(await prisma().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).toMatchObject({
      enabled: true,
      rpmLimit: null,
      periodLimit: null,
      allowedModels: [],
      expiresAt: null,
    });
  });
});

describe("a viewer's keys (issue #21)", () => {
  test("demoting a member leaves their keys as they were and shows them refused on the keys page", async () => {
    const { teamId, owner, members } = await createTeamAccount(prisma(), { members: 1 });
    const member = members[0]!;
    const ownerCookie = await sessionOf(owner.id, teamId);
    const { apiKey } = await createApiKey(prisma(), teamId, { createdById: member.id });
    const refused = async () =>
      (await keys.loader(args(get("/dashboard/keys", ownerCookie)))).keys.find(
        (key) => key.id === apiKey.id,
      )?.refused;
    expect(await refused()).toBeNull();
    const demote = await run(() =>
      teams.action(
        args(
          post(
            "/dashboard/teams",
            { intent: "role", userId: member.id, role: "VIEWER" },
            ownerCookie,
          ),
        ),
      ),
    );
    expect(statusOf(demote)).toBe(302);
    expect(await refused()).toBe("refused: its maker is a viewer");
    expect(
      await prisma().apiKey.findUniqueOrThrow({
        where: { id: apiKey.id },
        select: { enabled: true, deletedAt: true },
      }),
    ).toEqual({ enabled: true, deletedAt: null });
  });
});

describe("membership", () => {
  const teamPost = (cookie: string, fields: Record<string, string>) =>
    run(() => teams.action(args(post("/dashboard/teams", fields, cookie))));

  test("create a team, invite by link, accept once; the link is single-use, signed and expiring", async () => {
    const owner = await createUser(prisma());
    const ownerCookie = await sessionOf(owner.id);
    const created = await teamPost(ownerCookie, { intent: "create", name: "Blue" });
    // Created, not switched to (ADR 048): the page says so and offers the switch.
    expect(statusOf(created)).toBe(200);
    const [blue] = (await teams.loader(args(get("/dashboard/teams", ownerCookie)))).teams;
    expect(blue).toMatchObject({ name: "Blue", role: "OWNER" });
    expect(created).toMatchObject({ created: { id: blue!.id, name: "Blue" } });
    expect((await dashboard.loader(args(get("/dashboard", ownerCookie)))).account).toBeNull();
    // Ticking "switch to it now" works in it at once.
    const green = await teamPost(ownerCookie, { intent: "create", name: "Green", switch: "on" });
    expect(statusOf(green)).toBe(302);
    expect((await dashboard.loader(args(get("/dashboard", ownerCookie)))).account?.name).toBe(
      "Green",
    );
    const switched = await run(() =>
      switcher.action(args(post("/dashboard/switch", { account: blue!.id }, ownerCookie))),
    );
    expect(statusOf(switched)).toBe(302);

    const invited = (await teamPost(ownerCookie, { intent: "invite", role: "VIEWER" })) as {
      inviteLink: string;
    };
    const token = invited.inviteLink.split("/invite/")[1]!;
    expect(invited.inviteLink).toBe(`http://gateway.test/invite/${token}`);

    // Signed out: who invites to what, and the ways in that come back here.
    const signedOut = await run(() => invite.loader(args(get(`/invite/${token}`, ""), { token })));
    expect(statusOf(signedOut)).toBe(200);
    expect(signedOut).toMatchObject({
      team: "Blue",
      role: "viewer",
      inviter: owner.email,
      signedIn: false,
    });

    const guest = await createUser(prisma());
    const guestCookie = await sessionOf(guest.id);
    expect(
      await invite.loader(args(get(`/invite/${token}`, guestCookie), { token })),
    ).toMatchObject({ team: "Blue", role: "viewer" });
    const tampered = `${token.slice(0, -2)}xx`;
    const refused = await run(() =>
      invite.action(args(post(`/invite/${tampered}`, {}, guestCookie), { token: tampered })),
    );
    expect(statusOf(refused)).toBe(410);
    const accepted = await run(() =>
      invite.action(args(post(`/invite/${token}`, {}, guestCookie), { token })),
    );
    expect(statusOf(accepted)).toBe(302);
    const layout = await dashboard.loader(args(get("/dashboard", guestCookie)));
    expect(layout.account?.name).toBe("Blue");

    // Used once: a third person cannot use it again.
    const third = await sessionOf((await createUser(prisma())).id);
    const again = await run(() =>
      invite.action(args(post(`/invite/${token}`, {}, third), { token })),
    );
    expect(statusOf(again)).toBe(410);

    // Expired and revoked links are refused too.
    const late = (await teamPost(ownerCookie, { intent: "invite", role: "MEMBER" })) as {
      inviteLink: string;
    };
    const lateToken = late.inviteLink.split("/invite/")[1]!;
    await prisma().teamInvitation.update({
      where: { id: lateToken.split(".")[0]! },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await run(() =>
      invite.loader(args(get(`/invite/${lateToken}`, third), { token: lateToken })),
    );
    expect(statusOf(expired)).toBe(410);
    const revokable = (await teamPost(ownerCookie, { intent: "invite", role: "MEMBER" })) as {
      inviteLink: string;
    };
    const revokedToken = revokable.inviteLink.split("/invite/")[1]!;
    const { invitations } = (await teams.loader(args(get("/dashboard/teams", ownerCookie))))
      .current!;
    expect(invitations).toHaveLength(1);
    expect(
      statusOf(await teamPost(ownerCookie, { intent: "revoke", id: invitations[0]!.id })),
    ).toBe(302);
    const revoked = await run(() =>
      invite.action(args(post(`/invite/${revokedToken}`, {}, third), { token: revokedToken })),
    );
    expect(statusOf(revoked)).toBe(410);
  });

  test("signing up or in through an invitation link joins the team and works in it", async () => {
    const { teamId, owner } = await createTeamAccount(prisma(), { name: "Orange" });
    const ownerCookie = await sessionOf(owner.id, teamId);
    const invitePath = async () => {
      const { inviteLink } = (await teamPost(ownerCookie, {
        intent: "invite",
        role: "MEMBER",
      })) as { inviteLink: string };
      return new URL(inviteLink).pathname;
    };
    const cookieOf = (answer: unknown) =>
      (answer as Response).headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith("gw_session="))!
        .split(";")[0]!;

    const byUp = await invitePath();
    const signedUp = await run(() =>
      signup.action(
        args(
          post(
            "/signup",
            {
              email: `new-${randomUUID()}@example.test`,
              password: "a long enough password",
              redirectTo: byUp,
            },
            "",
          ),
        ),
      ),
    );
    expect(statusOf(signedUp)).toBe(302);
    expect((signedUp as Response).headers.get("location")).toBe("/dashboard");
    const upLayout = await dashboard.loader(args(get("/dashboard", cookieOf(signedUp))));
    expect(upLayout.account?.name).toBe("Orange");

    const byIn = await invitePath();
    const existing = await createUser(prisma());
    const signedIn = await run(() =>
      login.action(
        args(
          post("/login", { email: existing.email, password: TEST_PASSWORD, redirectTo: byIn }, ""),
        ),
      ),
    );
    expect(statusOf(signedIn)).toBe(302);
    expect((signedIn as Response).headers.get("location")).toBe("/dashboard");
    const inLayout = await dashboard.loader(args(get("/dashboard", cookieOf(signedIn))));
    expect(inLayout.account?.name).toBe("Orange");
    expect(await prisma().teamMember.count({ where: { teamId } })).toBe(3);

    // A member opening another link of the team is told so, not offered a button that fails.
    const byMember = await invitePath();
    const memberOpens = await run(() =>
      invite.loader(args(get(byMember, cookieOf(signedIn)), { token: byMember.split("/")[2]! })),
    );
    expect(statusOf(memberOpens)).toBe(409);
    expect((memberOpens as unknown as { data: string }).data).toBe(
      "You are a member of this team already.",
    );

    // A used link says so to whoever opens it, signed in or not.
    const used = await run(() =>
      invite.loader(args(get(byUp, ""), { token: byUp.split("/")[2]! })),
    );
    expect(statusOf(used)).toBe(410);
    expect((used as unknown as { data: string }).data).toMatch(/used already/);
  });

  test("two people opening one link at once: exactly one joins", async () => {
    const { teamId, owner } = await createTeamAccount(prisma());
    const ownerCookie = await sessionOf(owner.id, teamId);
    const { inviteLink } = (await teamPost(ownerCookie, { intent: "invite", role: "MEMBER" })) as {
      inviteLink: string;
    };
    const token = inviteLink.split("/invite/")[1]!;
    const guests = await Promise.all(
      Array.from({ length: 8 }, async () => sessionOf((await createUser(prisma())).id)),
    );
    const answers = await Promise.all(
      guests.map((cookie) =>
        run(() => invite.action(args(post(`/invite/${token}`, {}, cookie), { token }))),
      ),
    );
    expect(answers.map(statusOf).sort()).toEqual([302, 410, 410, 410, 410, 410, 410, 410]);
    expect(await prisma().teamMember.count({ where: { teamId } })).toBe(2);
  });

  test("the last owner cannot leave or step down; removing a member deletes their keys", async () => {
    const { teamId, owner, members } = await createTeamAccount(prisma(), { members: 1 });
    const member = members[0]!;
    const ownerCookie = await sessionOf(owner.id, teamId);
    const memberCookie = await sessionOf(member.id, teamId);
    expect(statusOf(await teamPost(ownerCookie, { intent: "leave" }))).toBe(409);
    expect(
      statusOf(await teamPost(ownerCookie, { intent: "role", userId: owner.id, role: "ADMIN" })),
    ).toBe(409);
    // With a second owner, the first may go.
    expect(
      statusOf(await teamPost(ownerCookie, { intent: "role", userId: member.id, role: "OWNER" })),
    ).toBe(302);
    expect(statusOf(await teamPost(ownerCookie, { intent: "leave" }))).toBe(302);
    expect((await dashboard.loader(args(get("/dashboard", ownerCookie)))).account).toBeNull();

    // The remaining owner removes someone: that person's keys in the team stop working.
    const third = await createUser(prisma());
    await prisma().teamMember.create({ data: { teamId, userId: third.id, role: "MEMBER" } });
    const key = await createApiKey(prisma(), teamId, { createdById: third.id });
    expect(statusOf(await teamPost(memberCookie, { intent: "remove", userId: third.id }))).toBe(
      302,
    );
    const after = await prisma().apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } });
    expect({ enabled: after.enabled, deleted: after.deletedAt !== null }).toEqual({
      enabled: false,
      deleted: true,
    });
    expect(await prisma().teamMember.count({ where: { teamId } })).toBe(1);
  });

  test("deleting a team: its keys stop, its members lose it, its history stays", async () => {
    const { teamId, owner, members } = await createTeamAccount(prisma(), { members: 1 });
    const key = await createApiKey(prisma(), teamId, { createdById: members[0]!.id });
    const ownerCookie = await sessionOf(owner.id, teamId);
    const memberCookie = await sessionOf(members[0]!.id, teamId);
    expect(statusOf(await teamPost(ownerCookie, { intent: "delete", confirm: "yes" }))).toBe(302);
    expect(
      (await prisma().apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } })).enabled,
    ).toBe(false);
    expect((await dashboard.loader(args(get("/dashboard", memberCookie)))).teams).toEqual([]);
    expect(await prisma().user.findUnique({ where: { id: teamId } })).not.toBeNull();
  });
});
