// A zero-latency OpenAI-compatible upstream for `npm run bench`: every answer is
// written at once (20 content chunks and a usage chunk when streaming), so that
// the upstream costs little and the gateway is what is measured. The fake
// providers of the tests (scripts/fake-providers) wait for each event to be
// flushed, to test real streaming, which makes them slow under load.
// Usage: node scripts/bench/upstream.ts PORT
import http from "node:http";

const CHUNKS = 20;
const usage = { prompt_tokens: 12, completion_tokens: CHUNKS, total_tokens: 12 + CHUNKS };

function event(model: string, choice: Record<string, unknown> | null, withUsage = false) {
  return `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: choice ? [{ index: 0, logprobs: null, finish_reason: null, ...choice }] : [],
    ...(withUsage ? { usage } : {}),
  })}\n\n`;
}

http
  .createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as {
        model?: string;
        stream?: boolean;
      };
      const model = body.model ?? "bench";
      if (!body.stream) {
        const answer = JSON.stringify({
          id: "chatcmpl-bench",
          object: "chat.completion",
          created: 1_700_000_000,
          model,
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: "Hello! This is a fixed reply.",
                refusal: null,
              },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage,
        });
        response.writeHead(200, { "content-type": "application/json" }).end(answer);
        return;
      }
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let text = event(model, { delta: { role: "assistant", content: "" } });
      for (let i = 0; i < CHUNKS; i++) text += event(model, { delta: { content: `tok${i} ` } });
      text += event(model, { delta: {}, finish_reason: "stop" });
      text += event(model, null, true);
      response.end(`${text}data: [DONE]\n\n`);
    });
  })
  .listen(Number(process.argv[2]), "127.0.0.1", () => console.log("listening"));
