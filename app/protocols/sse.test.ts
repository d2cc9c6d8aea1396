import { expect, test } from "vitest";
import { SSE_DONE, SSE_HEADERS, sseEvent } from "./sse.ts";

// The one SSE framer: these bytes are what every client protocol puts on the wire.
test("an event is its data line and a blank line; a named one has its event line first", () => {
  expect(sseEvent('{"a":1}')).toBe('data: {"a":1}\n\n');
  expect(sseEvent('{"type":"ping"}', "ping")).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  expect(SSE_DONE).toBe("data: [DONE]\n\n");
});

test("an event stream is not cached nor buffered by a proxy", () => {
  expect(SSE_HEADERS).toEqual({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
});
