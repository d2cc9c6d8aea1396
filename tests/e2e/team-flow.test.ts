// A team end to end in Chromium against the production build (ADR 030): an
// owner creates a team and tops it up, invites by link; a second person opens
// the link on a phone, signs up through it, joins, creates a key and calls the
// gateway; the owner sees that member's spend. The team pages get the phone
// overflow and axe-core checks, and screenshots (test-results/team-*.png).
import OpenAI from "openai";
import { expect, test } from "vitest";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { overflow, seriousViolations, signUpInBrowser } from "../support/browser.ts";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const env = setupBrowserGateway({
  prepare: async (prisma) => {
    await createCatalogEntry(prisma, {
      modelSlug: "gpt-team",
      usd: { input: "2.00", cachedInput: "0.20", output: "8.00" },
    });
  },
});

test("create a team, invite, the invitee signs up through the link, joins, makes a key and calls the gateway; the owner sees their spend", async () => {
  const owner = await env.browser.newContext({
    viewport: DESKTOP,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const ownerPage = await owner.newPage();
  const ownerEmail = `owner-${Date.now()}@example.test`;
  await signUpInBrowser(ownerPage, env.gateway.baseUrl, ownerEmail);

  // The team, from the Teams page: creating it keeps the owner where they were, clears the
  // form and offers the switch (ADR 048).
  const accountMenu = ownerPage.locator("summary[aria-label^='Account:']");
  await ownerPage.getByRole("link", { name: "Teams" }).click();
  await ownerPage.getByLabel("New team’s name").fill("Acme Research");
  await ownerPage.getByRole("button", { name: "Create team" }).click();
  const created = ownerPage.getByRole("status").filter({ hasText: "Team Acme Research created" });
  await expect
    .poll(() => created.textContent(), { timeout: 10_000 })
    .toContain("You still work in your personal account");
  await expect.poll(() => ownerPage.getByLabel("New team’s name").inputValue()).toBe("");
  expect(await accountMenu.textContent()).toContain("Personal");
  await shot(ownerPage, "team-created-desktop");
  await created.getByRole("button", { name: "Switch to Acme Research" }).click();
  await expect.poll(() => accountMenu.textContent()).toContain("Acme Research");

  // Credits for the team, not for the owner.
  await ownerPage.getByRole("link", { name: "Credits" }).click();
  await ownerPage.getByRole("button", { name: "Add 1,000 free credits" }).click();
  await expect
    .poll(() => ownerPage.getByRole("status").textContent())
    .toBe("Added 1,000.00 credits ($10.00).");
  await expect
    .poll(() => ownerPage.getByLabel("Balance").textContent())
    .toBe("1,000.00 credits ($10.00)");

  // An invitation link, as a member.
  await ownerPage.getByRole("link", { name: "Teams" }).click();
  await ownerPage.getByRole("button", { name: "Create invitation link" }).click();
  const link = (await ownerPage
    .getByTestId("invite-link")
    .textContent({ timeout: 10_000 }))!.trim();
  expect(link).toMatch(/\/invite\/[0-9a-f-]{36}\.[\w-]{43}$/);
  // Its Copy button copies it and says so.
  const copyLink = ownerPage.getByTestId("invite-link").locator("..").getByRole("button");
  expect(await copyLink.textContent()).toBe("Copy link");
  await copyLink.click();
  await expect.poll(() => copyLink.textContent()).toBe("Copied");
  expect(await ownerPage.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await shot(ownerPage, "team-invite-desktop");

  // Opened signed out, the link says who invites to what, as which role, until when.
  const offer = `${ownerEmail} invites you to join the team Acme Research as member.`;
  const desk = await env.browser.newContext({ viewport: DESKTOP });
  const deskPage = await desk.newPage();
  await deskPage.goto(link);
  await expect.poll(() => deskPage.locator("main").textContent()).toContain(offer);
  await shot(deskPage, "team-invite-signed-out-desktop");
  await desk.close();

  // The invitee opens it on a phone, signed out, signs up through it and lands in the team.
  const invitee = await env.browser.newContext({ viewport: PHONE });
  const phone = await invitee.newPage();
  await phone.goto(link);
  const main = phone.locator("main");
  expect(await main.textContent()).toContain(offer);
  expect(await main.textContent()).toMatch(/The link works once, until \w+/);
  expect(await phone.getByRole("link", { name: "Sign in to join" }).isVisible()).toBe(true);
  const join = phone.getByRole("link", { name: "Create an account to join" });
  const box = (await join.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  await shot(phone, "team-invite-signed-out-phone");
  await join.click();
  await phone.waitForURL(/\/signup\?redirectTo=/);
  await phone.getByLabel("Email").fill(`member-${Date.now()}@example.test`);
  await phone.getByLabel(/^Password/).fill("a long enough password");
  await phone.getByRole("button", { name: "Create account" }).click();
  await phone.waitForURL(`${env.gateway.baseUrl}/dashboard`);
  await shot(phone, "team-joined-phone");
  await expect
    .poll(() => phone.getByRole("status").first().textContent())
    .toContain("You joined Acme Research as member");
  // The member works in the team: its balance, not theirs.
  await expect
    .poll(() => phone.getByLabel("Balance").textContent())
    .toBe("1,000.00 credits ($10.00)");

  // A key, through the phone menu, and a request with it.
  await phone.getByText("Menu").click();
  await phone.getByRole("navigation", { name: "Dashboard menu" }).getByText("API keys").click();
  await phone.waitForURL(/\/dashboard\/keys$/);
  await phone.getByLabel("Name").fill("member key");
  await phone.getByRole("button", { name: "Create key" }).click();
  const secret = (await phone.getByTestId("new-secret").textContent({ timeout: 10_000 }))!.trim();
  const client = new OpenAI({
    apiKey: secret,
    baseURL: `${env.gateway.baseUrl}/v1`,
    maxRetries: 0,
  });
  const answer = await client.chat.completions.create({
    model: "gpt-team",
    messages: [{ role: "user", content: "Hello from a team member" }],
  });
  expect(answer.usage?.total_tokens).toBeGreaterThan(0);
  // The member's credits this month, as the ledger charged the team.
  const charged = await env.prisma.conversation.findFirstOrThrow({
    where: { apiKey: { name: "member key" } },
    select: { cost: true, userId: true, apiKey: { select: { userId: true } } },
  });
  expect(charged.userId).toBe(charged.apiKey.userId);
  expect(charged.cost).toBeGreaterThan(0n);

  // The owner sees who spent what, on the Usage page and the Teams page.
  await ownerPage.getByRole("link", { name: "Usage" }).click();
  const bySpend = ownerPage.getByRole("table", { name: "Spend by member" });
  await expect.poll(() => bySpend.textContent()).toMatch(/member-\d+@example\.test/);
  const row = bySpend.getByRole("row").filter({ hasText: "member-" });
  const cells = await row.getByRole("cell").allTextContents();
  expect(cells[1]).toBe("1");
  expect(cells[2]).toMatch(/^<?\d+\.\d\d credits \(<?\$\d+\.\d\d\)$/);
  expect(cells[2]).not.toBe("0.00 credits ($0.00)");
  await shot(ownerPage, "team-usage-desktop");
  await ownerPage.getByRole("link", { name: "Teams" }).click();
  const members = ownerPage.getByRole("table", { name: "Members" });
  await expect.poll(() => members.getByRole("row").count()).toBe(3);
  await shot(ownerPage, "team-members-desktop");

  // The team pages on a phone: nothing sideways, nothing axe-core calls serious.
  const problems: string[] = [];
  for (const path of ["/dashboard/teams", "/dashboard/usage", "/dashboard/keys"]) {
    const { page, extra } = await overflow(invitee, env.gateway.baseUrl + path);
    if (extra > 0) problems.push(`${path}: ${extra} px too wide`);
    problems.push(...(await seriousViolations(page)).map((v) => `${path}: ${v}`));
    await shot(page, `team-phone${path.replaceAll("/", "-")}`);
  }
  const desktopTeams = await overflow(owner, `${env.gateway.baseUrl}/dashboard/teams`);
  problems.push(...(await seriousViolations(desktopTeams.page)).map((v) => `owner's teams: ${v}`));
  // The switcher opened, on a phone, without JavaScript.
  const noScript = await env.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  await noScript.addCookies(await invitee.cookies());
  const plain = await noScript.newPage();
  await plain.goto(`${env.gateway.baseUrl}/dashboard`);
  await plain.locator("summary[aria-label^='Account:']").click();
  await plain.getByRole("button", { name: "Personal" }).click();
  await plain.waitForURL(`${env.gateway.baseUrl}/dashboard`);
  expect(await plain.locator("summary[aria-label^='Account:']").textContent()).toContain(
    "Personal",
  );
  await shot(plain, "team-switched-phone-nojs");
  // Without JavaScript on a phone, creating a team asks too: created, not switched to.
  await plain.goto(`${env.gateway.baseUrl}/dashboard/teams`);
  await plain.getByLabel("New team’s name").fill("Beta Lab");
  await plain.getByRole("button", { name: "Create team" }).click();
  const plainCreated = plain.getByRole("status").filter({ hasText: "Team Beta Lab created" });
  expect(await plainCreated.textContent()).toContain("You still work in your personal account");
  expect(await plain.getByLabel("New team’s name").inputValue()).toBe("");
  await shot(plain, "team-created-phone-nojs");
  await plainCreated.getByRole("button", { name: "Switch to Beta Lab" }).click();
  await plain.waitForURL(`${env.gateway.baseUrl}/dashboard/teams`);
  expect(await plain.locator("summary[aria-label^='Account:']").textContent()).toContain(
    "Beta Lab",
  );
  expect(problems).toEqual([]);
  await Promise.all([owner.close(), invitee.close(), noScript.close()]);
}, 120_000);
