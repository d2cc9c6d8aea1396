import { useCallback, useRef, useState } from "react";
import {
  AnswerReader,
  type ColumnUsage,
  type ToolCallText,
} from "#app/playground/answer-reader.ts";

// The columns of a turn the page started (ADR 070), each streamed from
// /dashboard/playground/stream at once; Stop cuts them all (the gateway bills what
// was produced, as for any client that stops reading).

export interface LiveAnswer {
  text: string;
  toolCalls: ToolCallText[];
  usage?: ColumnUsage;
  error?: string;
  state: "waiting" | "streaming" | "done" | "stopped" | "failed";
  requestId?: string;
  /** Measured here, from sending to the first text and to the end. */
  firstTokenMs?: number;
  latencyMs?: number;
}

export interface LiveTurn {
  chatId: string;
  turn: number;
  prompt: string;
  answers: Record<string, LiveAnswer>;
}

export interface StartedTurn {
  chatId: string;
  turn: number;
  models: string[];
}

export function useColumnStreams(onDone: (turn: LiveTurn) => Promise<void>) {
  const [live, setLive] = useState<LiveTurn | null>(null);
  const controllers = useRef<AbortController[]>([]);

  const start = useCallback(
    (started: StartedTurn, prompt: string) => {
      const answers: Record<string, LiveAnswer> = {};
      for (const model of started.models)
        answers[model] = { text: "", toolCalls: [], state: "waiting" };
      let current: LiveTurn = { chatId: started.chatId, turn: started.turn, prompt, answers };
      setLive(current);
      const update = (model: string, change: Partial<LiveAnswer>) => {
        current = {
          ...current,
          answers: { ...current.answers, [model]: { ...current.answers[model]!, ...change } },
        };
        setLive(current);
      };
      controllers.current = started.models.map(() => new AbortController());
      void Promise.all(
        started.models.map((model, index) =>
          streamColumn(started, model, controllers.current[index]!.signal, (change) =>
            update(model, change),
          ),
        ),
      ).then(() => onDone(current));
    },
    [onDone],
  );

  const stop = useCallback(() => {
    for (const controller of controllers.current) controller.abort();
  }, []);

  const running =
    live !== null &&
    Object.values(live.answers).some(
      (answer) => answer.state === "waiting" || answer.state === "streaming",
    );
  return { live, start, stop, running };
}

async function streamColumn(
  started: StartedTurn,
  model: string,
  signal: AbortSignal,
  update: (change: Partial<LiveAnswer>) => void,
) {
  const sent = performance.now();
  const reader = new AnswerReader();
  const shown = () => ({ text: reader.text, toolCalls: [...reader.toolCalls] });
  try {
    const response = await fetch("/dashboard/playground/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatId: started.chatId, turn: started.turn, model }),
      signal,
    });
    const requestId = response.headers.get("x-request-id") ?? undefined;
    if (!response.headers.get("content-type")?.startsWith("text/event-stream") || !response.body) {
      reader.readJson(await response.text());
      update({
        state: "failed",
        requestId,
        error: reader.error ?? `The gateway answered ${response.status}`,
      });
      return;
    }
    update({ state: "streaming", requestId });
    const decoder = new TextDecoder();
    const body = response.body.getReader();
    let firstTokenMs: number | undefined;
    for (;;) {
      const { done, value } = await body.read();
      if (done) break;
      if (reader.push(decoder.decode(value, { stream: true }))) {
        if (firstTokenMs === undefined && (reader.text || reader.toolCalls.length))
          firstTokenMs = Math.round(performance.now() - sent);
        update({ ...shown(), firstTokenMs });
      }
    }
    update({
      ...shown(),
      usage: reader.usage,
      error: reader.error,
      state: reader.error ? "failed" : "done",
      latencyMs: Math.round(performance.now() - sent),
    });
  } catch (error) {
    const stopped = signal.aborted;
    update({
      ...shown(),
      state: stopped ? "stopped" : "failed",
      error: stopped ? undefined : `The answer broke off (${(error as Error).message})`,
      latencyMs: Math.round(performance.now() - sent),
    });
  }
}
