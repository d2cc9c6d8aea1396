import { useCallback, useEffect, useRef } from "react";
import { Form, useNavigate, useNavigation, useRevalidator } from "react-router";
import type { SubmissionResult } from "@conform-to/react";
import { ConfirmedForm } from "#app/components/confirmed-form.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { AnswerColumns } from "#app/components/playground/answer-columns.tsx";
import { ChatList } from "#app/components/playground/chat-list.tsx";
import { CodeView } from "#app/components/playground/code-view.tsx";
import { SendForm } from "#app/components/playground/send-form.tsx";
import {
  useColumnStreams,
  type LiveTurn,
  type StartedTurn,
} from "#app/components/playground/use-column-streams.ts";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { DEFAULT_SETTINGS, type HistoryMessage } from "#app/playground/playground-request.ts";
import type { Route } from "./+types/dashboard.playground";
import { loadPlayground, playgroundAction } from "./dashboard.playground.server.ts";

// The playground (ADR 070): chat with 1–4 models side by side through the gateway's
// own request path, billed to the account in use under the key "Playground". The
// loader and action are in dashboard.playground.server.ts; the columns stream from
// dashboard.playground.stream.ts.

export async function loader({ request, params }: Route.LoaderArgs) {
  return loadPlayground(request, params.chatId);
}

export async function action({ request }: Route.ActionArgs) {
  return playgroundAction(request);
}

export const meta: Route.MetaFunction = () => [{ title: "Playground · LLM Gateway" }];

type Answer = { result?: SubmissionResult<string[]>; started?: StartedTurn };

export default function Playground({ loaderData, actionData }: Route.ComponentProps) {
  const { chat, chats, models, picked, origin } = loaderData;
  const answer = actionData as Answer | undefined;
  const navigate = useNavigate();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const formRef = useRef<HTMLFormElement>(null);
  const onDone = useCallback(
    async (turn: LiveTurn) => {
      // A stopped column is written by the server as its stream ends: give it a moment.
      if (Object.values(turn.answers).some((column) => column.state === "stopped"))
        await new Promise((resolve) => setTimeout(resolve, 500));
      await revalidator.revalidate();
    },
    [revalidator],
  );
  const streams = useColumnStreams(onDone);

  // With JavaScript the action only starts the turn: the columns stream from here.
  const started = answer?.started;
  const startedKey = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!started || startedKey.current === `${started.chatId}:${started.turn}`) return;
    startedKey.current = `${started.chatId}:${started.turn}`;
    const form = formRef.current;
    const message = form?.elements.namedItem("message") as HTMLTextAreaElement | null;
    const image = form?.elements.namedItem("image") as HTMLInputElement | null;
    streams.start(started, message?.value ?? "");
    if (message) message.value = "";
    if (image) image.value = "";
    if (chat?.id !== started.chatId) void navigate(`/dashboard/playground/${started.chatId}`);
  }, [started, chat?.id, navigate, streams]);

  const live = streams.live?.chatId === chat?.id || !chat ? streams.live : null;
  const columns =
    chat?.models ??
    (live
      ? Object.keys(live.answers)
      : picked.length
        ? picked
        : models.slice(0, 1).map((model) => model.slug));
  const settings = chat?.settings ?? DEFAULT_SETTINGS;
  const lastResult = navigation.state === "idle" && !started ? answer?.result : undefined;
  return (
    <div className="grid gap-6 lg:grid-cols-[14rem_minmax(0,1fr)]">
      <aside className="hidden lg:block">
        <ChatList chats={chats} current={chat?.id} label="Conversations" />
      </aside>
      <details className="rounded-lg border p-3 lg:hidden">
        <summary className="cursor-pointer text-sm font-medium">
          Conversations ({chats.length})
        </summary>
        <div className="mt-2">
          <ChatList chats={chats} current={chat?.id} label="Conversations (menu)" />
        </div>
      </details>
      <div className="grid min-w-0 content-start gap-6">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            {chat ? chat.title : "Playground"}
          </h1>
          {chat && <ChatActions chatId={chat.id} title={chat.title} />}
        </div>
        {models.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            No model can be served yet: a provider needs a key first.
          </p>
        ) : (
          <>
            <p className="text-sm text-muted-foreground">
              Ask up to four models the same thing and compare their answers, tokens, cost and
              speed. Each request is billed to this account like any API call, under the key
              &ldquo;Playground&rdquo;.
            </p>
            <AnswerColumns models={columns} turns={chat?.turns ?? []} live={live} />
            <SendForm
              key={chat?.id ?? "new"}
              chatId={chat?.id}
              models={models}
              picked={chat?.models ?? picked}
              settings={settings}
              lastResult={lastResult}
              running={streams.running}
              onStop={streams.stop}
              formRef={formRef}
            />
            {columns[0] && (
              <CodeView
                origin={origin}
                model={columns[0]}
                settings={settings}
                history={codeHistory(chat, columns[0])}
              />
            )}
          </>
        )}
      </div>
    </div>
  );
}

/** The first column's last request: its conversation up to the last prompt (a greeting before any). */
function codeHistory(
  chat: Route.ComponentProps["loaderData"]["chat"],
  model: string,
): HistoryMessage[] {
  const turns = chat?.turns ?? [];
  if (turns.length === 0) return [{ role: "user", content: "Hello!" }];
  return turns.flatMap((turn, index): HistoryMessage[] => {
    const prompt: HistoryMessage = { role: "user", content: turn.prompt, images: turn.images };
    const answer = turn.answers[model];
    const last = index === turns.length - 1;
    return !last && answer?.text ? [prompt, { role: "assistant", content: answer.text }] : [prompt];
  });
}

function ChatActions({ chatId, title }: { chatId: string; title: string }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <details>
        <summary className="cursor-pointer text-sm font-medium">Rename</summary>
        <Form method="post" className="mt-2 flex gap-2">
          <input type="hidden" name="intent" value="rename" />
          <input type="hidden" name="chatId" value={chatId} />
          <Input
            name="title"
            defaultValue={title}
            aria-label="New title"
            required
            maxLength={200}
          />
          <Button type="submit" size="sm">
            Save
          </Button>
        </Form>
      </details>
      <ConfirmedForm
        fields={{ intent: "delete", chatId }}
        confirmLabel={`Confirm deleting ${title}`}
      >
        Delete
      </ConfirmedForm>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
