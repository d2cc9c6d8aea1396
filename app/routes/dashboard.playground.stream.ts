import { z } from "zod";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { runColumn } from "#app/playground/run-column.server.ts";
import type { Route } from "./+types/dashboard.playground.stream";

// One playground column, streamed (ADR 070): the page posts { chatId, turn, model } for
// each column of a turn it started, and gets the gateway's own event stream back.

const ColumnSchema = z.object({
  chatId: z.uuid(),
  turn: z.number().int().min(1).max(1_000_000),
  model: z.string().min(1).max(200),
});

export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  const scope = await requirePageScope(request);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return refuse(400, "Send the column as JSON: { chatId, turn, model }");
  }
  const column = ColumnSchema.safeParse(body);
  if (!column.success) return refuse(400, `Bad column: ${z.prettifyError(column.error)}`);
  const answer = await runColumn(scope, column.data, {
    stream: true,
    origin: publicOrigin(request),
    signal: request.signal,
  });
  return (
    answer ??
    refuse(409, "This column was asked already, or the conversation is not yours in this account")
  );
}

const refuse = (status: number, message: string) =>
  Response.json({ error: { message, type: "invalid_request_error" } }, { status });

const notAllowed = () => methodNotAllowed("POST");

export const loader = notAllowed;
