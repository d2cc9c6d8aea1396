import {
  settleCharge,
  settlementOf,
  type Charged,
  type ChargedRequest,
} from "../../../billing/charge.server.ts";
import {
  settleTranscriptionTokens,
  transcriptionProgress,
  type TranscribedAudio,
} from "../../../billing/transcription-charge.server.ts";
import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { GatewayError } from "../../../http/gateway-error.ts";
import { EMPTY_USAGE, type Usage } from "../../../llm/parts.ts";
import { SSE_HEADERS } from "../../../protocols/sse.ts";
import type { TranscriptionCall, TranscriptPart } from "../../../providers/adapter.ts";
import type { Gateway } from "../../gateway.server.ts";
import { PROGRESS_INTERVAL_MS } from "../../services/progress-recorder.server.ts";
import type { ActiveApiKey } from "../../services/api-key-cache.server.ts";
import type { Revocable } from "../../services/running-requests.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import { callRoutes } from "../media/media-routes.server.ts";
import { tokensUsage, transcriptError, transcriptEvent } from "./render-transcription.ts";

type Status = "SUCCESS" | "ERROR" | "CANCELLED";

/**
 * A streamed transcription (`stream=true`, ADR 074): the provider's events pass to the client as
 * they come; the request is billed once, at transcript.text.done from its usage (before that
 * event is written, which carries it). Once the provider has accepted the audio, a stream that
 * ends early (the client left: CANCELLED; the provider broke: ERROR) is billed at our own count:
 * the audio, which the provider bills once it accepted it, and the transcript received so far.
 * Before that (no provider accepted), nothing.
 */
export async function streamTranscript(
  gateway: Gateway,
  request: Request,
  key: ActiveApiKey,
  charged: ChargedRequest & { model: string },
  routes: RouteOption[],
  audio: TranscribedAudio,
  callFor: (route: RouteOption, signal: AbortSignal) => TranscriptionCall,
  headers: Record<string, string>,
): Promise<Response> {
  const upstream = new AbortController();
  request.signal.addEventListener("abort", () => upstream.abort(), { once: true });
  const outcome = await callRoutes(
    gateway,
    routes,
    upstream.signal,
    (adapter, route, signal) =>
      adapter.streamTranscription!(callFor(route, AbortSignal.any([upstream.signal, signal]))),
    true,
  );
  if (!outcome?.ok) {
    const error = outcome?.error;
    await settleTranscriptionTokens(
      gateway.ledger,
      gateway.log,
      charged,
      outcome?.route ?? routes[0]!,
      audio,
      { accepted: false, transcript: "", reported: undefined },
      {
        status: upstream.signal.aborted ? "CANCELLED" : "ERROR",
        errorCode: errorCodeOf(error),
        timeToFirstTokenMs: null,
      },
    );
    throw toGatewayError(error);
  }
  const parts = outcome.watchdog.guard(outcome.value[Symbol.asyncIterator]());
  const run = new TranscriptRun(gateway, key, charged, outcome.route, audio, parts, upstream);
  return new Response(run.body(), { headers: { ...SSE_HEADERS, ...headers } });
}

/** One accepted streamed transcription, settled exactly once however it ends. */
class TranscriptRun implements Revocable {
  private transcript = "";
  private firstTextAt: number | undefined;
  private settled: Promise<Charged> | undefined;
  private revoked: GatewayError | undefined;
  private progressRecorded = false;
  private recordedLength = -1;
  private readonly settledOnce = Promise.withResolvers<void>();
  private readonly unregister: () => void;

  private readonly gateway: Gateway;
  private readonly request: ChargedRequest & { model: string };
  private readonly route: RouteOption;
  private readonly audio: TranscribedAudio;
  private readonly parts: AsyncIterator<TranscriptPart>;
  private readonly upstream: AbortController;

  constructor(
    gateway: Gateway,
    key: ActiveApiKey,
    request: ChargedRequest & { model: string },
    route: RouteOption,
    audio: TranscribedAudio,
    parts: AsyncIterator<TranscriptPart>,
    upstream: AbortController,
  ) {
    this.gateway = gateway;
    this.request = request;
    this.route = route;
    this.audio = audio;
    this.parts = parts;
    this.upstream = upstream;
    this.unregister = gateway.running.add(key, this);
  }

  body(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: (controller) => this.pull(controller),
      // The client went away mid-stream: stop the provider, bill what it is owed.
      cancel: () => this.clientLeft(),
    });
  }

  /** Writes the next event, or ends the stream (a pull that enqueues nothing is not called again). */
  private async pull(controller: ReadableStreamDefaultController<Uint8Array>) {
    let next: IteratorResult<TranscriptPart>;
    try {
      next = await this.parts.next();
    } catch (caught) {
      return end(controller, await this.broke(caught));
    }
    // The events ended before transcript.text.done: cut off, or stopped by us.
    if (next.done) return end(controller, await this.broke(undefined));
    const part = next.value;
    this.firstTextAt ??= performance.now();
    if (part.type === "delta") {
      this.transcript += part.text;
      return write(controller, transcriptEvent(part));
    }
    this.transcript = part.text;
    const charge = await this.finish("SUCCESS", undefined, part.usage);
    if (this.revoked) return end(controller, this.revoked);
    write(controller, transcriptEvent(part, tokensUsage(charge.usage)));
    end(controller, undefined);
  }

  /** Settles a stream that ended early; the error to tell the client, or undefined when it left. */
  private async broke(caught: unknown): Promise<GatewayError | undefined> {
    if (this.upstream.signal.aborted && !this.revoked) {
      await this.finish("CANCELLED");
      return undefined;
    }
    const error =
      this.revoked ??
      caught ??
      new GatewayError(502, "The provider's stream ended before the transcript was complete", {
        type: "upstream_error",
        code: "upstream_truncated",
      });
    await this.finish("ERROR", error);
    return toGatewayError(error);
  }

  private async clientLeft() {
    this.upstream.abort();
    await this.finish("CANCELLED");
  }

  /** Stop for `reason` (the key was revoked, the server is stopping): billed as the stream stands. */
  revoke(reason: GatewayError) {
    if (this.settled) return;
    this.revoked = reason;
    this.upstream.abort();
    void this.finish("ERROR", reason);
  }

  whenSettled(): Promise<void> {
    return this.settledOnce.promise;
  }

  /** Settles once; later calls wait for the first. Never rejects: a failure books the hold. */
  private finish(status: Status, error?: unknown, reported?: Usage): Promise<Charged> {
    if (!this.settled) {
      this.unregister();
      this.settled = this.settle(status, error, reported).catch((failure: unknown) =>
        this.settleAfterFailure(status, failure),
      );
      void this.settled.then(() => this.settledOnce.resolve());
    }
    return this.settled;
  }

  private settle(status: Status, error: unknown, reported: Usage | undefined) {
    const { gateway, request, route, audio } = this;
    return settleTranscriptionTokens(
      gateway.ledger,
      gateway.log,
      request,
      route,
      audio,
      { accepted: true, transcript: this.transcript, reported },
      {
        status,
        errorCode: errorCodeOf(error),
        timeToFirstTokenMs: this.timeToFirstText(),
        progressRecorded: this.progressRecorded,
      },
    );
  }

  /** Settling failed on something of ours (not the database, which is waited out): the hold is booked, never lost. */
  private async settleAfterFailure(status: Status, failure: unknown): Promise<Charged> {
    const { gateway, request } = this;
    gateway.log.error({ err: failure, requestId: request.requestId }, "settling failed");
    const charged: Charged = {
      usage: EMPTY_USAGE,
      cost: request.heldAmount,
      usageSource: "ESTIMATED",
    };
    await settleCharge(
      gateway.ledger,
      gateway.log,
      settlementOf(request, this.route, charged, {
        modelSlug: request.model,
        status,
        finishReason: null,
        errorCode: "settlement_error",
        timeToFirstTokenMs: this.timeToFirstText(),
        progressRecorded: this.progressRecorded,
      }),
    );
    return charged;
  }

  /** What it would be billed now, for the progress recorder: the row another instance writes if this one dies. */
  async progress(now: number) {
    if (this.settled || now - this.request.started < PROGRESS_INTERVAL_MS) return undefined;
    if (this.transcript.length === this.recordedLength) return undefined;
    this.recordedLength = this.transcript.length;
    const { gateway, request, route, audio } = this;
    const record = await transcriptionProgress(
      gateway.ledger,
      gateway.log,
      request,
      route,
      audio,
      this.transcript,
      this.timeToFirstText(),
    );
    if (this.settled) return undefined;
    this.progressRecorded = true;
    return record;
  }

  private timeToFirstText() {
    return this.firstTextAt === undefined
      ? null
      : Math.round(this.firstTextAt - this.request.started);
  }
}

/** Writes to a stream whose reader may have cancelled it already. */
function write(controller: ReadableStreamDefaultController<Uint8Array>, text: string) {
  try {
    controller.enqueue(Buffer.from(text));
  } catch {
    // cancelled: nobody to write to
  }
}

/** Ends the stream, with an error event first when there is an error to tell. */
function end(
  controller: ReadableStreamDefaultController<Uint8Array>,
  error: GatewayError | undefined,
) {
  if (error) write(controller, transcriptError(error));
  try {
    controller.close();
  } catch {
    // cancelled already
  }
}
