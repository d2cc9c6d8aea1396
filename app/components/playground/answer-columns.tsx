import { useState } from "react";
import type { LoadedChat, SavedAnswer } from "#app/playground/playground-chats.server.ts";
import { cn } from "#app/utils/cn.ts";
import { ANSWER_RUNNING, ANSWER_STOPPED } from "#app/playground/answer-reader.ts";
import type { LiveAnswer, LiveTurn } from "./use-column-streams.ts";
import { useHydrated } from "./use-hydrated.ts";

// The chat's columns (ADR 070): one per model, each the whole conversation as that model
// had it, each answer with its tokens, cost, latency and first-token time. Saved answers
// show their usage row's numbers; a turn streaming now shows what has come. On a phone
// the columns become tabs once JavaScript runs; without it they are stacked.

type Turn = LoadedChat["turns"][number];

export function AnswerColumns({
  models,
  turns,
  live,
}: {
  models: string[];
  turns: Turn[];
  live: LiveTurn | null;
}) {
  const [selected, setSelected] = useState(0);
  const tabs = useHydrated();
  const shownTurns =
    live && !turns.some((turn) => turn.turn === live.turn)
      ? [...turns, { turn: live.turn, prompt: live.prompt, images: [], answers: {} }]
      : turns;
  const active = Math.min(selected, models.length - 1);
  return (
    <div className="grid gap-3">
      {tabs && models.length > 1 && (
        <div role="tablist" aria-label="Models" className="flex gap-1 overflow-x-auto md:hidden">
          {models.map((model, index) => (
            <button
              key={model}
              type="button"
              role="tab"
              aria-selected={index === active}
              aria-controls={`column-${index}`}
              onClick={() => setSelected(index)}
              className={cn(
                "rounded-md border px-3 py-1.5 text-sm font-medium whitespace-nowrap",
                index === active ? "bg-accent" : "text-muted-foreground",
              )}
            >
              {model}
            </button>
          ))}
        </div>
      )}
      <div className={cn("grid gap-4", COLUMNS[models.length] ?? "md:grid-cols-2")}>
        {models.map((model, index) => (
          <section
            key={model}
            id={`column-${index}`}
            aria-label={`${model} answers`}
            className={cn(
              "grid min-w-0 content-start gap-3 rounded-lg border p-3",
              tabs && index !== active && "hidden md:grid",
            )}
          >
            <h2 className="truncate font-mono text-sm font-semibold">{model}</h2>
            {shownTurns.length === 0 && (
              <p className="text-sm text-muted-foreground">Its answers appear here.</p>
            )}
            {shownTurns.map((turn) => {
              // What streamed shows until the saved answer (with its usage row's numbers) is loaded.
              const saved = turn.answers[model];
              const written = saved !== undefined && saved.error !== ANSWER_RUNNING;
              const streaming =
                live?.turn === turn.turn && !written ? live.answers[model] : undefined;
              return (
                <div key={turn.turn} className="grid gap-2">
                  <Prompt text={turn.prompt} images={turn.images} />
                  {streaming ? (
                    <LiveAnswerView model={model} turn={turn.turn} answer={streaming} />
                  ) : (
                    <SavedAnswerView model={model} turn={turn.turn} answer={turn.answers[model]} />
                  )}
                </div>
              );
            })}
          </section>
        ))}
      </div>
    </div>
  );
}

const COLUMNS: Record<number, string> = {
  1: "grid-cols-1",
  2: "md:grid-cols-2",
  3: "md:grid-cols-3",
  4: "md:grid-cols-2 xl:grid-cols-4",
};

function Prompt({ text, images }: { text: string; images: string[] }) {
  return (
    <div className="justify-self-end rounded-lg bg-secondary px-3 py-2 text-sm whitespace-pre-wrap">
      {text}
      {images.map((image, index) => (
        <img
          key={index}
          src={image}
          alt={`Attached image ${index + 1}`}
          className="mt-2 max-h-40 rounded"
        />
      ))}
    </div>
  );
}

function SavedAnswerView({
  model,
  turn,
  answer,
}: {
  model: string;
  turn: number;
  answer: SavedAnswer | undefined;
}) {
  if (!answer) return <p className="text-sm text-muted-foreground">Not asked.</p>;
  const running = answer.error === ANSWER_RUNNING;
  return (
    <article aria-label={`${model}, turn ${turn}`} className="grid gap-1">
      <AnswerText text={answer.text} toolCalls={answer.toolCalls} />
      {running ? (
        <p className="text-sm text-muted-foreground">Still running, or cut off.</p>
      ) : answer.error === ANSWER_STOPPED ? (
        <p className="text-sm text-muted-foreground">Stopped: billed for what was produced.</p>
      ) : (
        answer.error && <AnswerError error={answer.error} />
      )}
      {answer.usage && (
        <Stats
          requestId={answer.requestId}
          inputTokens={answer.usage.inputTokens}
          outputTokens={answer.usage.outputTokens}
          costCredits={answer.usage.costCredits}
          latencyMs={answer.usage.latencyMs}
          firstTokenMs={answer.usage.firstTokenMs}
        />
      )}
    </article>
  );
}

function LiveAnswerView({
  model,
  turn,
  answer,
}: {
  model: string;
  turn: number;
  answer: LiveAnswer;
}) {
  return (
    <article
      aria-label={`${model}, turn ${turn}`}
      aria-busy={answer.state === "streaming" || answer.state === "waiting"}
      className="grid gap-1"
    >
      {answer.state === "waiting" && <p className="text-sm text-muted-foreground">Asking…</p>}
      <AnswerText text={answer.text} toolCalls={answer.toolCalls} />
      {answer.state === "stopped" && (
        <p className="text-sm text-muted-foreground">Stopped: billed for what was produced.</p>
      )}
      {answer.error && <AnswerError error={answer.error} />}
      {answer.usage && (
        <Stats
          requestId={answer.requestId ?? null}
          inputTokens={answer.usage.inputTokens}
          outputTokens={answer.usage.outputTokens}
          costCredits={answer.usage.costCredits}
          latencyMs={answer.latencyMs ?? null}
          firstTokenMs={answer.firstTokenMs ?? null}
        />
      )}
    </article>
  );
}

function AnswerText({
  text,
  toolCalls,
}: {
  text: string;
  toolCalls: { name: string; arguments: string }[];
}) {
  return (
    <>
      {text && <div className="text-sm whitespace-pre-wrap break-words">{text}</div>}
      {toolCalls.map((call, index) => (
        <pre key={index} className="overflow-x-auto rounded bg-muted p-2 text-xs">
          {`Tool call: ${call.name}(${call.arguments})`}
        </pre>
      ))}
    </>
  );
}

function AnswerError({ error }: { error: string }) {
  return <p className="text-sm text-destructive">{error}</p>;
}

/** An answer's numbers; the cost exactly as its usage row has it. */
function Stats(props: {
  requestId: string | null;
  inputTokens: number;
  outputTokens: number;
  costCredits: string;
  latencyMs: number | null;
  firstTokenMs: number | null;
}) {
  return (
    <p
      className="text-xs text-muted-foreground"
      data-request-id={props.requestId ?? undefined}
      aria-label="Answer's usage"
    >
      {props.inputTokens} in · {props.outputTokens} out · <span data-cost>{props.costCredits}</span>{" "}
      credits
      {props.latencyMs !== null && ` · ${props.latencyMs} ms`}
      {props.firstTokenMs !== null && ` · first token ${props.firstTokenMs} ms`}
    </p>
  );
}
