import { createRequire } from "node:module";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Headless Chromium as the browser tests use it (CHROMIUM_PATH, default /usr/bin/chromium). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Signs a new account up through the sign-up page; the page ends on the dashboard. */
export async function signUpInBrowser(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${baseUrl}/dashboard`);
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * Opens `url` in a new tab. `extra` is how far the page reaches past the screen's right edge
 * (0: not at all); `hidden` names every element that hides content off-screen (ADR 043).
 */
export async function overflow(context: BrowserContext, url: string) {
  const page = await context.newPage();
  await page.goto(url);
  const extra = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  return { page, extra, hidden: await hiddenContent(page) };
}

/**
 * Elements that hide content sideways (ADR 043), one line each: an element reaching past the
 * screen's left or right edge (only the outermost one is named), or a box that clips or
 * scrolls its content sideways. Code blocks (`pre`) may scroll; form controls scroll their own
 * text; a text cut with an ellipsis says that it is cut.
 */
export async function hiddenContent(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const SLACK = 1; // sub-pixel rounding
    const width = document.documentElement.clientWidth;
    const CONTROLS = "a[href], button, input, select, textarea, summary, [tabindex]";
    const shown = (element: Element) => {
      const rect = element.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) return false; // nothing, or visually hidden
      const style = getComputedStyle(element);
      return style.visibility !== "hidden" && style.clipPath === "none" && style.clip === "auto";
    };
    // Inside a box of a pixel that hides its overflow: for screen readers only (sr-only).
    const visuallyHidden = (element: Element) => {
      for (let box = element.parentElement; box; box = box.parentElement) {
        const rect = box.getBoundingClientRect();
        if ((rect.width <= 1 || rect.height <= 1) && getComputedStyle(box).overflow === "hidden")
          return true;
      }
      return false;
    };
    const exempt = (element: Element) =>
      element.closest("pre, input, select, textarea") !== null || visuallyHidden(element);
    const name = (element: Element) => {
      const label =
        element.getAttribute("aria-label") ||
        element.getAttribute("id") ||
        (element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      return `<${element.tagName.toLowerCase()}> "${label}"`;
    };
    // What a part of the page hides beyond `edge`: controls and data cells.
    const what = (element: Element, edge: (rect: DOMRect) => boolean) => {
      const inside = [...element.querySelectorAll(`${CONTROLS}, td, th`)].filter(
        (child) => shown(child) && edge(child.getBoundingClientRect()),
      );
      const controls = inside.filter((child) => child.matches(CONTROLS)).length;
      const cells = inside.length - controls;
      return `${controls} controls and ${cells} cells`;
    };
    const problems: string[] = [];
    const past = (rect: DOMRect) => rect.right > width + SLACK || rect.left < -SLACK;
    for (const element of document.body.querySelectorAll("*")) {
      if (!shown(element) || exempt(element)) continue;
      const rect = element.getBoundingClientRect();
      const parent = element.parentElement;
      if (past(rect) && !(parent && shown(parent) && past(parent.getBoundingClientRect())))
        problems.push(
          `${name(element)} reaches ${Math.round(Math.max(rect.right - width, -rect.left))} px past the screen (${what(element, past)} off-screen)`,
        );
      const style = getComputedStyle(element);
      if (
        style.overflowX !== "visible" &&
        element.scrollWidth > element.clientWidth + SLACK &&
        style.textOverflow !== "ellipsis"
      ) {
        const right = rect.right;
        problems.push(
          `${name(element)} hides ${element.scrollWidth - element.clientWidth} px of its content sideways (${what(element, (child) => child.right > right + SLACK)} out of view)`,
        );
      }
    }
    return problems;
  });
}

/** axe-core's serious and critical violations on the page, as "rule: target" lines. */
export async function seriousViolations(page: Page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id}: ${node.target.join(" ")}`),
    );
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}
