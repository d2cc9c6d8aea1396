import type { Prisma } from "../db/prisma.server.ts";
import { formatCredits } from "../utils/money.ts";
import { usagePage, type UsageFilters, type UsageRow } from "./usage-query.server.ts";

const HEADER = [
  "time",
  "model",
  "provider",
  "key",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "units",
  "unit",
  "cost_credits",
  "cost_micro_credits",
  "latency_ms",
  "time_to_first_token_ms",
  "status",
  "usage",
  "byok",
];

/** The filtered request log as CSV, streamed a thousand rows at a time. */
export function usageCsv(
  prisma: Prisma,
  userId: string,
  filters: UsageFilters,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`${HEADER.join(",")}\n`));
        return;
      }
      const { rows, nextCursor } = await usagePage(prisma, userId, { ...filters, cursor }, 1000);
      if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(csvLine).join("")));
      cursor = nextCursor;
      if (!nextCursor) controller.close();
    },
  });
}

function csvLine(row: UsageRow) {
  return `${[
    row.created_at.toISOString(),
    row.model_slug,
    row.provider_slug,
    `${row.key_name} (${row.key_prefix})`,
    row.input_tokens,
    row.cached_input_tokens,
    row.output_tokens,
    row.units ?? "",
    row.unit ?? "",
    formatCredits(row.cost, 6).replace(/,/g, ""),
    row.cost,
    row.latency_ms,
    row.time_to_first_token_ms ?? "",
    row.status,
    row.usage_source.toLowerCase(),
    row.byok,
  ]
    .map(csvField)
    .join(",")}\n`;
}

// RFC 4180 quoting, and no leading = + - @ so a spreadsheet never runs a key name as a formula.
function csvField(value: unknown) {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
