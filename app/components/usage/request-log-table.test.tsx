import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router";
import { expect, test } from "vitest";
import { RequestLogTable } from "./request-log-table.tsx";

const row = {
  id: "7",
  at: "2026-12-01T10:00:00.000Z",
  model: "gpt-x",
  provider: "openai",
  key: "ci",
  input: 12,
  output: 3,
  units: null,
  cost: "0.0012 credits",
  latencyMs: 420,
  ttftMs: null,
  status: "SUCCESS" as const,
  usageSource: "ESTIMATED" as const,
  byok: true,
};

test("the request log: headings left, number cells right, labels for the phone cards, marks kept", () => {
  const html = renderToStaticMarkup(
    <MemoryRouter>
      <RequestLogTable rows={[row]} />
    </MemoryRouter>,
  );
  expect(html).toContain('aria-label="Request log"');
  expect(html).toContain("max-lg:table-cards");
  // As before the table component: no heading is right-aligned.
  expect(html).not.toMatch(/<th[^>]*text-right/);
  expect(html).toMatch(/<td data-label="Input" class="[^"]*text-right[^"]*">12<\/td>/);
  expect(html).toContain('data-label="First token"');
  expect(html).toContain("–");
  expect(html).toContain(">BYOK<");
  expect(html).toContain("> *</span>");
  expect(html).toContain('href="/dashboard/usage/7"');
  // The time cell is the card's title: no label.
  expect(html).not.toContain('data-label="Time"');
});

test("a media request shows its units where a chat request shows its output tokens", () => {
  const html = renderToStaticMarkup(
    <MemoryRouter>
      <RequestLogTable
        rows={[{ ...row, input: 0, output: 0, units: "2 images", usageSource: "REPORTED" }]}
      />
    </MemoryRouter>,
  );
  expect(html).toMatch(/<td data-label="Output" class="[^"]*">2 images<\/td>/);
});

test("no rows: the dashed note instead of the table", () => {
  const html = renderToStaticMarkup(
    <MemoryRouter>
      <RequestLogTable rows={[]} />
    </MemoryRouter>,
  );
  expect(html).not.toContain("<table");
  expect(html).toContain("No requests match.");
});
