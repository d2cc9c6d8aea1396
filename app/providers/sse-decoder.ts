// Server-Sent Events, decoded as the bytes arrive: every complete event in a
// network read at once, partial ones kept for the next. Multi-byte characters
// split across reads are kept whole by the streaming TextDecoder.
// @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

export interface SseEvent {
  /** The `event:` field, when the server named the event. */
  event?: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
}

export class SseDecoder {
  private readonly text = new TextDecoder();
  private pending = "";

  /** The events completed by this chunk. */
  push(chunk: Uint8Array): SseEvent[] {
    let buffer = this.pending + this.text.decode(chunk, { stream: true });
    // A CR at the very end may be the first half of a CRLF: it waits for the next read.
    let heldBack = "";
    if (buffer.includes("\r")) {
      if (buffer.endsWith("\r")) {
        heldBack = "\r";
        buffer = buffer.slice(0, -1);
      }
      buffer = buffer.replace(/\r\n?/g, "\n");
    }
    const events: SseEvent[] = [];
    let start = 0;
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n", start)) {
      const event = parseEvent(buffer.slice(start, end));
      if (event) events.push(event);
      start = end + 2;
    }
    this.pending = buffer.slice(start) + heldBack;
    return events;
  }

  /** What is left when the stream ends (an event the server did not terminate). */
  end(): SseEvent[] {
    const rest = (this.pending + this.text.decode()).replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    this.pending = "";
    const event = parseEvent(rest);
    return event ? [event] : [];
  }
}

function parseEvent(block: string): SseEvent | undefined {
  // The common case, one `data:` line, without splitting.
  if (block.startsWith("data:") && !block.includes("\n"))
    return { data: block.charCodeAt(5) === 32 ? block.slice(6) : block.slice(5) };
  let data: string | undefined;
  let event: string | undefined;
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon === 0) continue; // a comment
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") data = data === undefined ? value : `${data}\n${value}`;
    else if (field === "event") event = value;
  }
  if (data === undefined) return undefined;
  return event === undefined ? { data } : { event, data };
}
