import { describe, expect, test } from "vitest";
import { SseDecoder } from "./sse-decoder.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("SseDecoder", () => {
  test("returns every event a read completes and keeps the partial one for later", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: {"a":1}\n\ndata: {"b"'))).toEqual([{ data: '{"a":1}' }]);
    expect(decoder.push(bytes(":2}\n\ndata: [DONE]\n\n"))).toEqual([
      { data: '{"b":2}' },
      { data: "[DONE]" },
    ]);
    expect(decoder.end()).toEqual([]);
  });

  test("event names, comments, multi-line data and fields without a space", () => {
    const decoder = new SseDecoder();
    const events = decoder.push(
      bytes(
        ': ping\n\nevent: error\ndata: {"x":\ndata:1}\n\nid: 7\nretry: 10\n\ndata:no-space\n\n',
      ),
    );
    expect(events).toEqual([{ event: "error", data: '{"x":\n1}' }, { data: "no-space" }]);
  });

  test("CRLF line ends, even split between two reads", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes("data: one\r\n\r"))).toEqual([]);
    expect(decoder.push(bytes("\ndata: two\r\n\r\n"))).toEqual([{ data: "one" }, { data: "two" }]);
  });

  test("a character split across reads stays whole; an unterminated last event is returned at the end", () => {
    const decoder = new SseDecoder();
    const euro = bytes('data: {"t":"€"}');
    expect(decoder.push(euro.slice(0, 13))).toEqual([]);
    expect(decoder.push(euro.slice(13))).toEqual([]);
    expect(decoder.end()).toEqual([{ data: '{"t":"€"}' }]);
  });
});
