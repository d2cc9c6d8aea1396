import type { GatewayError } from "../http/gateway-error.ts";
import type { StreamPart } from "../llm/parts.ts";
import type { Charge, StreamRenderer } from "../protocols/wire-format.ts";

/** What a streamed answer asks of its run: each part recorded, and a settlement however it ends. */
export interface StreamingRun {
  record(part: StreamPart): void;
  /** The provider's stream threw: settle. The error to tell the client, or undefined when the client left. */
  streamBroke(caught: unknown): Promise<GatewayError | undefined>;
  /** The provider's stream ended: settle. How to end the answer, or undefined when the client left. */
  streamEnded(): Promise<{ error?: GatewayError; charge: Charge } | undefined>;
  /** Writing failed on something of ours: settle as an error. */
  writeFailed(error: unknown): Promise<void>;
  /** The client cancelled the body (it went away mid-stream). */
  clientLeft(): Promise<void>;
}

/**
 * The bytes of a streamed answer, written at the client's pace: a pull
 * renders at least one batch of parts into one string and one write, or ends
 * the stream. After the first byte we never switch providers: a failure is
 * reported in the protocol's error event and billed for what was produced.
 */
export class AnswerStream {
  /** The write in progress, so that a client leaving waits for it before settling. */
  writing: Promise<void> | undefined;
  /** The opening events travel with the first batch: one write. */
  private head: string;
  private buffered: IteratorResult<StreamPart[]> | undefined;

  private readonly run: StreamingRun;
  private readonly renderer: StreamRenderer;
  private readonly batches: AsyncIterator<StreamPart[]>;

  constructor(
    run: StreamingRun,
    renderer: StreamRenderer,
    batches: AsyncIterator<StreamPart[]>,
    first: IteratorResult<StreamPart[]>,
  ) {
    this.run = run;
    this.renderer = renderer;
    this.batches = batches;
    this.head = renderer.start();
    this.buffered = first;
  }

  body(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        this.writing = this.write(controller).catch(async (error: unknown) => {
          await this.run.writeFailed(error);
          controller.error(error);
        });
        return this.writing;
      },
      // The client went away mid-stream: stop the provider now, bill what it produced.
      cancel: () => this.run.clientLeft(),
    });
  }

  /** Writes at least one batch of events, or ends the stream: a pull that enqueues nothing is not called again. */
  private async write(controller: ReadableStreamDefaultController<Uint8Array>) {
    const { run, renderer } = this;
    for (;;) {
      let next: IteratorResult<StreamPart[]>;
      try {
        next = this.buffered ?? (await this.batches.next());
        this.buffered = undefined;
      } catch (caught) {
        const error = await run.streamBroke(caught);
        if (error) end(controller, renderer.fail(error));
        return;
      }
      if (next.done) {
        const ending = await run.streamEnded();
        if (!ending) return closeQuietly(controller);
        end(
          controller,
          this.head + (ending.error ? renderer.fail(ending.error) : renderer.end(ending.charge)),
        );
        return;
      }
      let text = this.head;
      this.head = "";
      for (const part of next.value) {
        run.record(part);
        text += renderer.part(part);
      }
      if (text !== "") {
        controller.enqueue(Buffer.from(text));
        return;
      }
    }
  }
}

/** Closes a stream whose reader may have cancelled it already. */
function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>) {
  try {
    controller.close();
  } catch {
    // cancelled: nothing to close
  }
}

function end(controller: ReadableStreamDefaultController<Uint8Array>, text: string) {
  controller.enqueue(Buffer.from(text));
  controller.close();
}
