// The one place that frames Server-Sent Events. Renderers give JSON text; a
// run joins the events of one network read and writes them at once.

export const sseEvent = (data: string) => `data: ${data}\n\n`;

export const SSE_DONE = sseEvent("[DONE]");

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};
