// The one place that frames Server-Sent Events. Renderers give JSON text; a
// run joins the events of one network read and writes them at once.

/** One event: its data (one line of JSON text), after its name when the protocol names events. */
export const sseEvent = (data: string, name?: string) =>
  name === undefined ? `data: ${data}\n\n` : `event: ${name}\ndata: ${data}\n\n`;

export const SSE_DONE = sseEvent("[DONE]");

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};
