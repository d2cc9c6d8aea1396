import type { AccountScope } from "../accounts/account-scope.server.ts";
import { getAccounts } from "../accounts/accounts.server.ts";
import { getGateway } from "../gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "../gateway/handle-chat.server.ts";
import { openRouterChat } from "../protocols/openrouter/openrouter-protocols.ts";
import { ANSWER_STOPPED, AnswerReader } from "./answer-reader.ts";
import { claimColumn, saveAnswer } from "./playground-chats.server.ts";
import { playgroundSecret } from "./playground-key.server.ts";
import { chatBody } from "./playground-request.ts";

// One column of a playground turn (ADR 070): the playground asks the gateway as a client
// does, with its own key, through the same handler as POST /api/v1/chat/completions (auth,
// guardrails, holds, billing, the usage row); the answer is kept as it passes.

export interface Column {
  chatId: string;
  turn: number;
  model: string;
}

/**
 * Asks the gateway for one column's answer: the gateway's own response (an event stream
 * when `stream`, else JSON), or null when the column was asked already or is not the
 * person's. The answer (or the error, or "stopped") is written when it ends.
 */
export async function runColumn(
  scope: AccountScope,
  column: Column,
  { stream, origin, signal }: { stream: boolean; origin: string; signal: AbortSignal },
): Promise<Response | null> {
  const { prisma } = getAccounts();
  const claimed = await claimColumn(prisma, scope, column.chatId, column.turn, column.model);
  if (!claimed) return null;
  const gateway = await getGateway();
  const save = (reader: AnswerReader, requestId: string | null, error?: string) =>
    saveAnswer(prisma, column.chatId, column.turn, column.model, {
      text: reader.text,
      toolCalls: reader.toolCalls,
      requestId,
      error: error ?? reader.error ?? null,
    });
  const reader = new AnswerReader();
  let response: Response;
  try {
    const secret = await playgroundSecret(prisma, gateway.box, scope);
    const body = chatBody(column.model, claimed.settings, claimed.history, stream);
    const request = new Request(`${origin}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    response = await handleChatCompletion(gateway, request, openRouterChat);
  } catch (error) {
    await save(reader, null, "The playground could not ask the gateway");
    throw error;
  }
  const requestId = response.headers.get("x-request-id");
  const isStream = response.headers.get("content-type")?.startsWith("text/event-stream");
  if (!isStream || !response.body) {
    const text = await response.text();
    if (text) reader.readJson(text);
    else if (!response.ok) reader.error = `The gateway answered ${response.status}`;
    // Stopped before the provider answered: nothing was produced, nothing billed.
    await save(reader, requestId, signal.aborted ? ANSWER_STOPPED : undefined);
    return new Response(text, { status: response.status, headers: response.headers });
  }
  const passing = keepWhilePassing(response.body, reader, signal, (error) =>
    save(reader, requestId, error),
  );
  return new Response(passing, { status: response.status, headers: response.headers });
}

/** The gateway's stream, byte for byte, read into `reader` on the way; `done` once it ends or the browser leaves. */
function keepWhilePassing(
  body: ReadableStream<Uint8Array>,
  reader: AnswerReader,
  signal: AbortSignal,
  done: (error?: string) => Promise<void>,
) {
  const source = body.getReader();
  const decoder = new TextDecoder();
  let finished = false;
  const finish = (error?: string) => {
    if (finished) return Promise.resolve();
    finished = true;
    return done(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: ended, value } = await source.read();
        if (ended) {
          // The browser's stop reaches the gateway first (the request's signal): it ends its stream.
          await finish(signal.aborted ? ANSWER_STOPPED : undefined);
          controller.close();
          return;
        }
        reader.push(decoder.decode(value, { stream: true }));
        controller.enqueue(value);
      } catch (error) {
        await finish("The answer broke off");
        controller.error(error);
      }
    },
    async cancel(reason) {
      // The browser stopped it (or left): the gateway bills what was produced, as for any client.
      await source.cancel(reason);
      await finish(ANSWER_STOPPED);
    },
  });
}
