import type { Prisma } from "../../db/prisma.server.ts";
import { GatewayError } from "../../http/gateway-error.ts";
import type { ChatMessage, ChatRequest } from "../../llm/chat-request.ts";
import type { Continuation } from "../../protocols/client-protocol.ts";
import type { Gateway } from "../gateway.server.ts";
import type { CompletionAccumulator } from "../../protocols/completion-accumulator.ts";
import { responseId } from "../../protocols/responses/response-object.ts";
import { storableJsonValue } from "../../utils/storable-text.ts";

// The Responses API's conversation state (store, previous_response_id): a
// stored response keeps the conversation as canonical messages, its answer
// included, for RESPONSE_STORE_DAYS. Instructions are not kept: as at OpenAI,
// each request brings its own.
// @see https://platform.openai.com/docs/guides/conversation-state

const DAY_MS = 86_400_000;

interface Owner {
  userId: string;
  id: string;
}

/** The request with the stored conversation it continues placed after its instructions; 404 unless the caller's user owns it and it has not expired. */
export async function resumeConversation(
  prisma: Prisma,
  owner: Owner,
  continuation: Continuation,
  chat: ChatRequest,
): Promise<ChatRequest> {
  const id = continuation.previousResponseId;
  if (id === undefined) return chat;
  const stored = await prisma.storedResponse.findFirst({
    where: { id, userId: owner.userId, expiresAt: { gt: new Date() } },
    select: { messages: true },
  });
  if (!stored)
    throw new GatewayError(404, `Previous response with id '${id}' not found.`, {
      type: "not_found_error",
      code: "previous_response_not_found",
      param: "previous_response_id",
    });
  const head = continuation.instructionMessages;
  const earlier = stored.messages as unknown as ChatMessage[];
  return {
    ...chat,
    messages: [...chat.messages.slice(0, head), ...earlier, ...chat.messages.slice(head)],
  };
}

/** What keeps a request's conversation once it succeeded, under its response id; undefined with store: false. */
export function conversationKeeper(
  gateway: Gateway,
  owner: Owner,
  requestId: string,
  continuation: Continuation,
  chat: ChatRequest,
) {
  if (!continuation.store) return undefined;
  return async (answer: CompletionAccumulator) => {
    const messages = [
      ...chat.messages.slice(continuation.instructionMessages),
      answerMessage(answer),
    ];
    await gateway.prisma.storedResponse.create({
      data: {
        id: responseId(requestId),
        userId: owner.userId,
        apiKeyId: owner.id,
        // A NUL or half a surrogate pair becomes U+FFFD: jsonb holds neither.
        messages: storableJsonValue(messages) as object[],
        expiresAt: new Date(Date.now() + gateway.responseStoreDays * DAY_MS),
      },
    });
  };
}

/** The answer as the assistant's canonical message. */
function answerMessage(answer: CompletionAccumulator): ChatMessage {
  const calls = answer.toolCalls.filter(Boolean).map((call) => ({
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  return calls.length > 0
    ? { role: "assistant", content: answer.text || null, tool_calls: calls }
    : { role: "assistant", content: answer.text };
}

/** Deletes expired stored responses; returns how many. */
export async function deleteExpiredResponses(prisma: Prisma) {
  const { count } = await prisma.storedResponse.deleteMany({
    where: { expiresAt: { lte: new Date() } },
  });
  return count;
}
