// The Alerts page (ADR 068) in Chromium against the production build: an endpoint
// added (its secret shown once), a test event sent and seen delivered in its log,
// an alert added and listed; without JavaScript on a phone, a bad amount is
// answered beside its field. Screenshots land in test-results/alerts-*.png.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { verifySignature } from "../../app/accounts/notifications/webhook-signature.ts";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { seriousViolations, signUpInBrowser } from "../support/browser.ts";

const env = setupBrowserGateway();
const url = (path: string) => env.gateway.baseUrl + path;

const received: { headers: Record<string, unknown>; body: string }[] = [];
const receiver = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    received.push({ headers: request.headers, body });
    response.writeHead(204).end();
  });
});
let hookUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

test("an endpoint added, a test event delivered and logged, an alert listed", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signUpInBrowser(page, env.gateway.baseUrl, `alerts-${crypto.randomUUID()}@example.test`);
  // The Keys page links to it.
  await page.goto(url("/dashboard/keys"));
  await page.getByRole("link", { name: "alerts and webhooks" }).click();
  await page.waitForURL(/\/dashboard\/alerts$/);

  const newWebhook = page.getByRole("form", { name: "New webhook" });
  await newWebhook.getByLabel("Endpoint URL").fill(hookUrl);
  await newWebhook.getByLabel("alert.triggered").check();
  await newWebhook.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page
    .getByTestId("webhook-secret")
    .textContent({ timeout: 10_000 }))!.trim();
  expect(secret).toMatch(/^whsec_/);
  await shot(page, "alerts-webhook-added");

  await page.getByRole("button", { name: "Send test" }).click();
  await expect
    .poll(() => page.getByRole("status").first().textContent())
    .toMatch(/Test event queued/);
  await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
  const [ping] = received;
  expect(JSON.parse(ping!.body)).toMatchObject({ type: "ping" });
  expect(verifySignature(secret, ping!.body, String(ping!.headers["x-gateway-signature"]))).toBe(
    true,
  );
  // The log shows it delivered once the page is loaded again.
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByRole("table", { name: `Deliveries to ${hookUrl}` }).textContent();
      },
      { timeout: 10_000 },
    )
    .toMatch(/ping\s*delivered\s*1\s*204/);

  const newAlert = page.getByRole("form", { name: "New alert" });
  await newAlert.getByLabel("When").selectOption("balance_below");
  await newAlert.getByLabel(/Amount/).fill("50");
  await newAlert.getByLabel("Also by e-mail").check();
  await newAlert.getByRole("button", { name: "Add alert" }).click();
  await expect
    .poll(() => page.getByRole("list", { name: "Alerts" }).textContent(), { timeout: 10_000 })
    .toContain("balance under 50.00 credits");
  await shot(page, "alerts-added");
  expect(await seriousViolations(page)).toEqual([]);
  await page.close();
});

test("without JavaScript, on a phone: a bad amount is answered beside its field", async () => {
  const context = await env.browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  await signUpInBrowser(
    page,
    env.gateway.baseUrl,
    `alerts-nojs-${crypto.randomUUID()}@example.test`,
  );
  await page.goto(url("/dashboard/alerts"));
  const newAlert = page.getByRole("form", { name: "New alert" });
  await newAlert.getByLabel("When").selectOption("key_limit_percent");
  await newAlert.getByLabel(/Amount/).fill("150");
  await newAlert.getByRole("button", { name: "Add alert" }).click();
  await page.waitForLoadState();
  const answered = page.getByRole("form", { name: "New alert" });
  expect(await answered.getByText("A percent is at most 100").isVisible()).toBe(true);
  expect(await answered.getByLabel(/Amount/).inputValue()).toBe("150");
  await shot(page, "alerts-phone-error");
  await context.close();
});
