// Keyboard only, in Chromium against the production build: creating a key and
// topping up are reachable with Tab and done with Enter and typing, each
// focused control shows where the focus is, and no mouse is used.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { setupBrowserGateway, SCREENSHOTS } from "../support/browser-gateway.ts";
import { createUser, TEST_PASSWORD } from "../support/factories.ts";

const env = setupBrowserGateway();

/** The focused element: its accessible-ish name, and whether a focus ring or outline shows. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { name: "", visible: false };
    const style = getComputedStyle(element);
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`) : null;
    return {
      name: (
        element.getAttribute("aria-label") ??
        label?.textContent ??
        element.textContent ??
        ""
      ).trim(),
      visible:
        (style.outlineStyle !== "none" && style.outlineWidth !== "0px") ||
        style.boxShadow !== "none",
    };
  });

/** Presses Tab until the focus is on a control named `name`; fails if it never gets there. */
async function tabTo(page: Page, name: string | RegExp) {
  const passed: string[] = [];
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (typeof name === "string" ? now.name === name : name.test(now.name)) {
      expect(now.visible, `focus on "${now.name}" is visible`).toBe(true);
      return;
    }
    passed.push(now.name);
  }
  throw new Error(`Tab never reached "${name}"; it passed: ${passed.join(" | ")}`);
}

test("with the keyboard only: sign in, top up, create a key", async () => {
  const user = await createUser(env.prisma);
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${env.gateway.baseUrl}/login`);
  await tabTo(page, "Email");
  await page.keyboard.type(user.email);
  await tabTo(page, /^Password/);
  await page.keyboard.type(TEST_PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard`);

  await tabTo(page, "Credits");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/dashboard\/credits$/);
  await tabTo(page, "Add 1,000 free credits");
  await page.keyboard.press("Enter");
  await expect
    .poll(() => page.getByRole("status").textContent())
    .toBe("Added 1,000.00 credits ($10.00).");
  await expect
    .poll(() => page.getByLabel("Balance").textContent())
    .toBe("1,000.00 credits ($10.00)");

  await page.keyboard.press("Escape");
  await page.locator("body").focus();
  await tabTo(page, "API keys");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/dashboard\/keys$/);
  await tabTo(page, "Name");
  await page.keyboard.type("typed key");
  await tabTo(page, "Create key");
  await page.screenshot({ path: join(SCREENSHOTS, "keyboard-create-key.png") });
  await page.keyboard.press("Enter");
  const secret = (await page.getByTestId("new-secret").textContent({ timeout: 10_000 }))!.trim();
  expect(secret).toMatch(/^gw-[\w-]{40}$/);
  const keys = await env.prisma.apiKey.findMany({
    where: { userId: user.id },
    select: { name: true },
  });
  expect(keys).toEqual([{ name: "typed key" }]);
}, 60_000);
