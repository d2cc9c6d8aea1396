import type { ServerResponse } from "node:http";
import { DeadlineClock, type Expiring } from "../utils/deadline-clock.ts";

/**
 * The most bytes handed to the socket in one write. A write the client has not
 * read stays in memory until it has, so a large answer goes in slices: the
 * next one only once the socket has drained (issue #21, 13b).
 */
const SLICE_BYTES = 64 * 1024;
const clock = new DeadlineClock(250);

/** How the answer's writing ended. */
export type Written = "sent" | "client-left" | "client-cut";

/**
 * Writes a Fetch Response to Node's response as fast as the client reads it and
 * no faster: the body is pulled only when the socket has room (a streamed
 * answer's provider then waits too), and at most a slice waits in the socket's
 * buffer. A client that has read nothing for `clientReadTimeoutMs` while bytes
 * wait for it is cut: its connection is closed, which cancels the body, so a
 * running completion stops its provider and is billed for what it produced,
 * like any client that leaves.
 */
export async function writeResponse(
  outgoing: ServerResponse,
  response: Response,
  clientReadTimeoutMs: number,
): Promise<Written> {
  outgoing.writeHead(response.status, response.statusText, headerRecord(response.headers));
  if (!response.body || outgoing.req.method === "HEAD") {
    outgoing.end();
    return "sent";
  }
  const reader = response.body.getReader();
  let left = false;
  const onClose = () => {
    left = true;
    void reader.cancel().catch(() => {});
  };
  outgoing.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || left) break;
      for (let at = 0; at < value.byteLength; at += SLICE_BYTES) {
        if (outgoing.write(value.subarray(at, at + SLICE_BYTES))) continue;
        if (await drained(outgoing, clientReadTimeoutMs)) continue;
        if (left) return "client-left";
        outgoing.destroy();
        return "client-cut";
      }
    }
  } finally {
    outgoing.off("close", onClose);
    reader.releaseLock();
  }
  if (left) return "client-left";
  outgoing.end();
  return "sent";
}

/** Whether the socket drained within `timeoutMs` (false too when the connection closed). */
function drained(outgoing: ServerResponse, timeoutMs: number) {
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clock.forget(stall);
      outgoing.off("drain", onDrain).off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const stall: Expiring = { deadline: performance.now() + timeoutMs, expire: () => done(false) };
    outgoing.on("drain", onDrain).on("close", onClose);
    clock.watch(stall);
  });
}

/** Headers for writeHead, each Set-Cookie kept apart. */
function headerRecord(headers: Headers) {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const seen = record[name];
    record[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return record;
}
