// The Teams and Credits forms answer in place in Chromium (ADR 048), at 1280 and
// on a 390 px phone, with and without JavaScript: a bad value shows beside its
// field with what was typed, a team rule beside its button, and the page stays.
// Screenshots: test-results/forms-*.png.
import type { Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import {
  FAKE_STRIPE_SECRET_KEY,
  FAKE_WEBHOOK_SECRET,
  startFakeStripe,
} from "#scripts/fake-providers/stripe.ts";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { hiddenContent, signUpInBrowser } from "../support/browser.ts";

const stripe = await startFakeStripe();
afterAll(() => stripe.close());
const env = setupBrowserGateway({
  env: () => ({
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_API_BASE: stripe.baseUrl,
  }),
});

const SCREENS = [
  ["desktop", { width: 1280, height: 800 }, true],
  ["phone", { width: 390, height: 844 }, true],
  ["phone-nojs", { width: 390, height: 844 }, false],
] as const;

/** The text of the error line an input points at (aria-describedby). */
const errorOf = (page: Page, label: string) =>
  page.getByLabel(label).evaluate((input) => {
    const id = input.getAttribute("aria-describedby");
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  });

test.each(SCREENS)(
  "teams and credits forms answer beside the field (%s)",
  async (name, viewport, javaScriptEnabled) => {
    const context = await env.browser.newContext({ viewport, javaScriptEnabled });
    const page = await context.newPage();
    const email = `forms-${name}-${Date.now()}@example.test`;
    await signUpInBrowser(page, env.gateway.baseUrl, email);
    const base = env.gateway.baseUrl;

    // A team to work in, straight away.
    await page.goto(`${base}/dashboard/teams`);
    await page.getByLabel("New team’s name").fill(`Forms ${name}`);
    await page.getByLabel(/Work in it now/).check();
    await page.getByRole("button", { name: "Create team" }).click();
    await page.getByRole("table", { name: "Members" }).waitFor();
    expect(await page.getByLabel("New team’s name").inputValue()).toBe("");

    // A bad monthly limit: beside the field, typed value kept, the page still there.
    const limit = `Monthly credit limit of ${email}`;
    await page.getByLabel(limit).fill("-3");
    await page.getByRole("button", { name: "Set" }).click();
    await expect
      .poll(() => errorOf(page, limit))
      .toBe("At least 1 credit, or nothing for no limit");
    expect(await page.getByLabel(limit).inputValue()).toBe("-3");
    // The last owner cannot leave: said beside the button.
    await page.getByRole("button", { name: `Leave Forms ${name}` }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "A team needs an owner" });
    await refusal.waitFor();
    expect(await page.getByRole("heading", { name: "Teams", exact: true }).isVisible()).toBe(true);
    await shot(page, `forms-teams-${name}`);
    expect(await hiddenContent(page)).toEqual([]);

    // A bad amount on the Credits page: beside the field, typed value kept.
    await page.goto(`${base}/dashboard/credits`);
    await page.getByLabel("Other amount in US dollars").fill("4.99");
    await page.getByRole("radio", { name: /Other/ }).check();
    await page.getByRole("button", { name: "Pay with Stripe" }).click();
    await expect
      .poll(() => errorOf(page, "Other amount in US dollars"))
      .toBe("Enter an amount from $5 to $1,000, in dollars and cents.");
    expect(await page.getByLabel("Other amount in US dollars").inputValue()).toBe("4.99");
    expect(await page.getByRole("radio", { name: /Other/ }).isChecked()).toBe(true);
    const save = page.getByRole("button", { name: "Save", exact: true });
    const before = await save.boundingBox();
    await page.getByLabel("Charge (US$)").fill("1");
    await save.click();
    await expect
      .poll(() => errorOf(page, "Charge (US$)"))
      .toBe("Enter an amount from $5 to $1,000, in dollars and cents.");
    expect(await page.getByLabel("Charge (US$)").inputValue()).toBe("1");
    // The error line does not move the button (without JavaScript the whole page is new: the
    // checkout's error from the last answer is gone).
    if (javaScriptEnabled) expect(await save.boundingBox()).toEqual(before);
    await shot(page, `forms-credits-${name}`);
    expect(await hiddenContent(page)).toEqual([]);
    await context.close();
  },
  60_000,
);
