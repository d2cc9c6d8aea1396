import type { Prisma } from "../db/prisma.server.ts";
import type { AccountScope } from "../accounts/account-scope.server.ts";
import { microToCredits } from "../utils/money.ts";
import { ANSWER_RUNNING } from "./answer-reader.ts";
import {
  DEFAULT_SETTINGS,
  type HistoryMessage,
  type PlaygroundSettings,
} from "./playground-request.ts";

// Each person's playground conversations (ADR 070), in the account in use: a chat is found
// only by the person who made it, in the account it was made in. Answers are rows of their
// own, written when each column finishes; their tokens, cost and timings are the usage row's
// (by request id), never a copy.

const mine = (scope: AccountScope) => ({ userId: scope.userId, accountId: scope.accountId });

export function listChats(prisma: Prisma, scope: AccountScope) {
  return prisma.playgroundChat.findMany({
    where: mine(scope),
    orderBy: { updatedAt: "desc" },
    take: 100,
    select: { id: true, title: true, models: true, updatedAt: true },
  });
}

/** A chat of this person in this account, with its turns and each answer's usage; null otherwise. */
export async function loadChat(prisma: Prisma, scope: AccountScope, chatId: string) {
  const chat = await prisma.playgroundChat.findFirst({
    where: { id: chatId, ...mine(scope) },
    include: { messages: { orderBy: [{ turn: "asc" }, { id: "asc" }] } },
  });
  if (!chat) return null;
  const requestIds = chat.messages.flatMap((message) => message.requestId ?? []);
  const rows = await prisma.conversation.findMany({
    where: { requestId: { in: requestIds }, userId: scope.accountId },
    select: {
      requestId: true,
      status: true,
      inputTokens: true,
      cachedInputTokens: true,
      cacheWriteTokens: true,
      outputTokens: true,
      cost: true,
      latencyMs: true,
      timeToFirstTokenMs: true,
    },
  });
  const usage = new Map(rows.map((row) => [row.requestId, answerUsage(row)]));
  return {
    id: chat.id,
    title: chat.title,
    models: chat.models,
    settings: settingsOf(chat.settings),
    turns: groupTurns(chat.messages, usage),
  };
}

export type LoadedChat = NonNullable<Awaited<ReturnType<typeof loadChat>>>;

/** What a column shows under an answer: the usage row's numbers, the cost in exact credits. */
export function answerUsage(row: {
  status: string;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  cost: bigint;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
}) {
  return {
    status: row.status,
    inputTokens: row.inputTokens + row.cachedInputTokens + row.cacheWriteTokens,
    outputTokens: row.outputTokens,
    costCredits: microToCredits(row.cost),
    latencyMs: row.latencyMs,
    firstTokenMs: row.timeToFirstTokenMs,
  };
}

export type AnswerUsage = ReturnType<typeof answerUsage>;

type MessageRow = {
  turn: number;
  model: string | null;
  content: string;
  images: string[];
  toolCalls: unknown;
  requestId: string | null;
  error: string | null;
};

function groupTurns(messages: MessageRow[], usage: Map<string, AnswerUsage>) {
  const turns = new Map<
    number,
    { turn: number; prompt: string; images: string[]; answers: Record<string, SavedAnswer> }
  >();
  for (const message of messages) {
    let turn = turns.get(message.turn);
    if (!turn) {
      turn = { turn: message.turn, prompt: "", images: [], answers: {} };
      turns.set(message.turn, turn);
    }
    if (message.model === null) {
      turn.prompt = message.content;
      turn.images = message.images;
    } else {
      turn.answers[message.model] = {
        text: message.content,
        toolCalls: (message.toolCalls as ToolCall[] | null) ?? [],
        error: message.error,
        requestId: message.requestId,
        usage: (message.requestId && usage.get(message.requestId)) || null,
      };
    }
  }
  return [...turns.values()];
}

export interface ToolCall {
  name: string;
  arguments: string;
}

export interface SavedAnswer {
  text: string;
  toolCalls: ToolCall[];
  error: string | null;
  requestId: string | null;
  usage: AnswerUsage | null;
}

function settingsOf(stored: unknown): PlaygroundSettings {
  return { ...DEFAULT_SETTINGS, ...(stored as Partial<PlaygroundSettings>) };
}

/**
 * Starts a turn: the chat (made now, titled after the first message, when there is none)
 * takes these models and settings, and the prompt is written as the next turn.
 */
export async function startTurn(
  prisma: Prisma,
  scope: AccountScope,
  input: {
    chatId?: string;
    models: string[];
    settings: PlaygroundSettings;
    message: string;
    images: string[];
  },
) {
  return prisma.$transaction(async (tx) => {
    const data = {
      models: input.models,
      settings: input.settings as object,
      updatedAt: new Date(),
    };
    let chatId = input.chatId;
    if (chatId) {
      const { count } = await tx.playgroundChat.updateMany({
        where: { id: chatId, ...mine(scope) },
        data,
      });
      if (count === 0) return null;
      // Turns of one chat are numbered one at a time.
      await tx.$queryRaw`SELECT 1 FROM playground_chats WHERE id = ${chatId}::uuid FOR UPDATE`;
    } else {
      const chat = await tx.playgroundChat.create({
        data: { ...mine(scope), title: titleOf(input.message), ...data },
        select: { id: true },
      });
      chatId = chat.id;
    }
    const last = await tx.playgroundMessage.aggregate({ where: { chatId }, _max: { turn: true } });
    const turn = (last._max.turn ?? 0) + 1;
    await tx.playgroundMessage.create({
      data: { chatId, turn, content: input.message, images: input.images },
    });
    return { chatId, turn, models: input.models, settings: input.settings };
  });
}

const titleOf = (message: string) => {
  const line = message.trim().split("\n")[0]!;
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
};

/**
 * What one column sends for a turn: the chat's settings and the conversation as this model
 * saw it (each earlier prompt and this model's answer to it). The column's answer row is
 * claimed first, so a turn is asked of a model (and paid for) once. Null when the chat is
 * not the person's, the model is not one of its columns, the turn has no prompt, or the
 * answer was claimed already.
 */
export async function claimColumn(
  prisma: Prisma,
  scope: AccountScope,
  chatId: string,
  turn: number,
  model: string,
) {
  const chat = await prisma.playgroundChat.findFirst({
    where: { id: chatId, ...mine(scope) },
    include: {
      messages: {
        where: { turn: { lte: turn }, OR: [{ model: null }, { model }] },
        orderBy: [{ turn: "asc" }, { id: "asc" }],
      },
    },
  });
  if (!chat || !chat.models.includes(model)) return null;
  if (!chat.messages.some((message) => message.turn === turn && message.model === null))
    return null;
  const claimed = await prisma.playgroundMessage.createMany({
    data: [{ chatId, turn, model, content: "", error: ANSWER_RUNNING }],
    skipDuplicates: true,
  });
  if (claimed.count === 0) return null;
  // An earlier answer that failed or never came is left out: the model sees the prompts.
  const history: HistoryMessage[] = chat.messages.flatMap((message): HistoryMessage[] => {
    if (message.model === null)
      return [{ role: "user", content: message.content, images: message.images }];
    const text = answerText(message);
    return text ? [{ role: "assistant", content: text }] : [];
  });
  return { settings: settingsOf(chat.settings), history };
}

/** An earlier answer as the model is shown it again: its text, or what it called. */
function answerText(message: { content: string; toolCalls: unknown }) {
  if (message.content) return message.content;
  const calls = (message.toolCalls as ToolCall[] | null) ?? [];
  return calls.map((call) => `Called ${call.name}(${call.arguments})`).join("\n");
}

/** Writes a column's answer into the row it claimed. */
export async function saveAnswer(
  prisma: Prisma,
  chatId: string,
  turn: number,
  model: string,
  answer: { text: string; toolCalls: ToolCall[]; requestId: string | null; error: string | null },
) {
  await prisma.playgroundMessage.update({
    where: { chatId_turn_model: { chatId, turn, model } },
    data: {
      content: answer.text,
      toolCalls: answer.toolCalls.length ? (answer.toolCalls as object[]) : undefined,
      requestId: answer.requestId,
      error: answer.error,
    },
  });
}

export async function renameChat(
  prisma: Prisma,
  scope: AccountScope,
  chatId: string,
  title: string,
) {
  const { count } = await prisma.playgroundChat.updateMany({
    where: { id: chatId, ...mine(scope) },
    data: { title },
  });
  return count === 1;
}

export async function deleteChat(prisma: Prisma, scope: AccountScope, chatId: string) {
  const { count } = await prisma.playgroundChat.deleteMany({
    where: { id: chatId, ...mine(scope) },
  });
  return count === 1;
}
