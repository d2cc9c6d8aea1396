import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { refusal } from "#app/accounts/account-scope.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { servedCatalog } from "#app/gateway/services/served-models.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import {
  deleteChat,
  listChats,
  loadChat,
  renameChat,
  startTurn,
} from "#app/playground/playground-chats.server.ts";
import {
  ChatButtonSchema,
  SendFormSchema,
  type SendForm,
} from "#app/playground/playground-form.ts";
import { MAX_COLUMNS } from "#app/playground/playground-form.ts";
import { runColumn } from "#app/playground/run-column.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The playground's loader and action (dashboard.playground.tsx, ADR 070). Without
// JavaScript a send runs every column here, one JSON answer each, and shows the chat;
// with it, the action only starts the turn and the page streams each column from
// /dashboard/playground/stream.

export async function loadPlayground(request: Request, chatId: string | undefined) {
  const scope = await requirePageScope(request);
  const { prisma } = getAccounts();
  const [chats, chat, served] = await Promise.all([
    listChats(prisma, scope),
    chatId ? loadChat(prisma, scope, chatId) : null,
    servedCatalog(await getGateway()),
  ]);
  if (chatId && !chat) throw data("No such conversation in this account", { status: 404 });
  const models = [...served.models.values()]
    // Embeddings and image models answer no chat (the catalog gives them at most one output token).
    .filter((model) => model.maxOutputTokens > 1)
    .map((model) => ({ slug: model.slug, name: model.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  // ?models=a,b (the Models pages' "Try in playground") picks the columns of a new chat.
  const asked = new URL(request.url).searchParams.get("models")?.split(",") ?? [];
  const known = new Set(models.map((model) => model.slug));
  return {
    origin: publicOrigin(request),
    chats: chats.map((listed) => ({ id: listed.id, title: listed.title, models: listed.models })),
    chat,
    models,
    picked: chat?.models ?? asked.filter((slug) => known.has(slug)).slice(0, MAX_COLUMNS),
  };
}

export async function playgroundAction(request: Request) {
  const scope = await requirePageScope(request);
  const { prisma } = getAccounts();
  const form = await readForm(request);
  if (form.get("intent") === "send") {
    const submission = parseWithZod(form, { schema: SendFormSchema });
    if (submission.status !== "success")
      return data({ result: submission.reply() }, { status: 400 });
    // A viewer may read the team's playground, not spend: said at the form, before any turn.
    const refused = refusal(scope, "spend");
    if (refused)
      return data({ result: submission.reply({ formErrors: [refused] }) }, { status: 403 });
    const started = await startTurn(prisma, scope, {
      chatId: submission.value.chatId,
      models: submission.value.models,
      settings: settingsOf(submission.value),
      message: submission.value.message,
      images: submission.value.image ? [await dataUrl(submission.value.image)] : [],
    });
    if (!started) throw data("No such conversation in this account", { status: 404 });
    const path = `/dashboard/playground/${started.chatId}`;
    // With JavaScript the page streams the columns itself.
    if (form.get("run") === "browser")
      return { result: submission.reply({ resetForm: true }), started };
    const origin = publicOrigin(request);
    await Promise.all(
      started.models.map(async (model) => {
        const answer = await runColumn(
          scope,
          { chatId: started.chatId, turn: started.turn, model },
          { stream: false, origin, signal: request.signal },
        );
        await answer?.body?.cancel();
      }),
    );
    return redirect(path);
  }
  const submission = parseWithZod(form, { schema: ChatButtonSchema });
  if (submission.status !== "success") throw data("Unknown playground action", { status: 400 });
  const { intent, chatId } = submission.value;
  if (intent === "rename") {
    if (!(await renameChat(prisma, scope, chatId, submission.value.title)))
      throw data("No such conversation in this account", { status: 404 });
    return redirectWithToast(`/dashboard/playground/${chatId}`, "Conversation renamed.");
  }
  if (!(await deleteChat(prisma, scope, chatId)))
    throw data("No such conversation in this account", { status: 404 });
  return redirectWithToast("/dashboard/playground", "Conversation deleted.");
}

const settingsOf = (form: SendForm) => ({
  system: form.system ?? "",
  temperature: form.temperature ?? null,
  maxTokens: form.maxTokens ?? null,
  tools: form.tools,
});

async function dataUrl(file: File) {
  const bytes = Buffer.from(await file.arrayBuffer());
  return `data:${file.type};base64,${bytes.toString("base64")}`;
}
