import {
  settleTokenSpeech,
  tokenSpeechProgress,
  type SpeechEnding,
} from "../../../billing/speech-charge.server.ts";
import { settleCharge, settlementOf, type ChargedRequest } from "../../../billing/charge.server.ts";
import { EMPTY_USAGE } from "../../../llm/parts.ts";
import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import type { GatewayError } from "../../../http/gateway-error.ts";
import type { Speech, SpeechUsage } from "../../../providers/adapter.ts";
import type { Gateway } from "../../gateway.server.ts";
import { PROGRESS_INTERVAL_MS } from "../../services/progress-recorder.server.ts";
import type { ActiveApiKey } from "../../services/api-key-cache.server.ts";
import type { Revocable } from "../../services/running-requests.ts";
import { errorCodeOf } from "../../upstream-failure.ts";

/**
 * A speech billed by tokens (ADR 075) while its audio streams: settled once when the stream is
 * over (before the client sees its end): CANCELLED when the client left, ERROR when the stream
 * broke, ended before the provider said it was complete or was stopped (a revoked key, a
 * stopping server), else SUCCESS. Like a chat's stream, it records its progress every second,
 * so that if this process dies another instance bills the audio given out (INTERRUPTED).
 */
export class SpeechRun implements Revocable {
  private settled: Promise<unknown> | undefined;
  private cancelled = false;
  private revoked: GatewayError | undefined;
  private progressRecorded = false;
  private recordedTokens = -1;
  private readonly settledOnce = Promise.withResolvers<void>();
  private readonly unregister: () => void;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly usage: Promise<SpeechUsage>;

  private readonly gateway: Gateway;
  private readonly request: ChargedRequest & { model: string; prompt: string };
  private readonly route: RouteOption;
  private readonly speech: Speech;
  private readonly clientSignal: AbortSignal;

  constructor(
    gateway: Gateway,
    key: ActiveApiKey,
    request: ChargedRequest & { model: string; prompt: string },
    route: RouteOption,
    speech: Speech,
    clientSignal: AbortSignal,
    /** Its usage when the provider does not say (the most it may make). */
    fallback: SpeechUsage,
  ) {
    this.gateway = gateway;
    this.request = request;
    this.route = route;
    this.speech = speech;
    this.clientSignal = clientSignal;
    this.reader = speech.body.getReader();
    this.usage = speech.usage ?? Promise.resolve(fallback);
    this.unregister = gateway.running.add(key, this);
  }

  /** The provider's audio as the client's body, pulled only as the client reads. */
  body(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        pull: (controller) => this.pull(controller),
        cancel: async (reason) => {
          this.cancelled = true;
          await this.reader.cancel(reason).catch(() => {});
          await this.finish({ status: "CANCELLED", errorCode: null });
        },
      },
      { highWaterMark: 0 },
    );
  }

  private async pull(controller: ReadableStreamDefaultController<Uint8Array>) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await this.reader.read();
    } catch (error) {
      await this.finish(
        this.left()
          ? { status: "CANCELLED", errorCode: null }
          : { status: "ERROR", errorCode: errorCodeOf(this.revoked ?? error) },
      );
      return controller.error(this.revoked ?? error);
    }
    if (!next.done) return controller.enqueue(next.value);
    if (this.revoked) {
      await this.finish({ status: "ERROR", errorCode: errorCodeOf(this.revoked) });
      return controller.error(this.revoked);
    }
    const { finished } = await this.usage;
    await this.finish(
      this.left()
        ? { status: "CANCELLED", errorCode: null }
        : finished
          ? { status: "SUCCESS", errorCode: null }
          : { status: "ERROR", errorCode: "upstream_truncated" },
    );
    controller.close();
  }

  private left() {
    return this.cancelled || this.clientSignal.aborted;
  }

  /** Stop for `reason`: the provider's stream is cancelled, billed as it stands, the client told. */
  revoke(reason: GatewayError) {
    if (this.settled) return;
    this.revoked = reason;
    void this.reader.cancel(reason).catch(() => {});
  }

  whenSettled(): Promise<void> {
    return this.settledOnce.promise;
  }

  /** Settles once; later calls wait for the first. */
  private finish(ending: SpeechEnding): Promise<unknown> {
    if (!this.settled) {
      this.unregister();
      const { gateway, request, route } = this;
      const progressRecorded = this.progressRecorded;
      this.settled = this.usage
        .then((usage) =>
          settleTokenSpeech(gateway.ledger, gateway.log, request, route, usage, {
            ...ending,
            progressRecorded,
          }),
        )
        // A bug of ours must neither keep the hold nor lose the record: the hold is booked.
        .catch((failure: unknown) => {
          gateway.log.error({ err: failure, requestId: request.requestId }, "settling failed");
          return settleCharge(
            gateway.ledger,
            gateway.log,
            settlementOf(
              request,
              route,
              { usage: EMPTY_USAGE, cost: request.heldAmount, usageSource: "ESTIMATED" },
              {
                ...ending,
                modelSlug: request.model,
                errorCode: "settlement_error",
                finishReason: null,
                timeToFirstTokenMs: null,
                progressRecorded,
              },
            ),
          );
        });
      void this.settled.finally(() => this.settledOnce.resolve());
    }
    return this.settled;
  }

  /** What it would be billed now, for the progress recorder: the row another instance writes if this one dies. */
  async progress(now: number) {
    const soFar = this.speech.soFar?.();
    if (this.settled || !soFar || now - this.request.started < PROGRESS_INTERVAL_MS)
      return undefined;
    if (soFar.audioTokens === this.recordedTokens) return undefined;
    this.recordedTokens = soFar.audioTokens;
    const { gateway, request, route } = this;
    const record = await tokenSpeechProgress(gateway.ledger, gateway.log, request, route, soFar);
    if (this.settled) return undefined;
    this.progressRecorded = true;
    return record;
  }
}
