// The minimal proxy plus what issue #7 keeps: the official openai SDK builds and
// sends the upstream request (through the gateway's own keep-alive fetch), and
// the answer is passed through unparsed. No database, no routing, no parsing:
// the least any gateway built on the SDK can cost, for `npm run bench`.
// Usage: node scripts/bench/sdk-proxy.ts PORT UPSTREAM_URL KEY
import http from "node:http";
import OpenAI from "openai";
import { responseChunks, upstreamFetch } from "../../app/providers/upstream-fetch.server.ts";

const [port, upstream, key] = process.argv.slice(2);
const client = new OpenAI({
  apiKey: "upstream",
  baseURL: upstream,
  fetch: upstreamFetch,
  maxRetries: 0,
});

http
  .createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      if (request.headers.authorization !== `Bearer ${key}`) {
        response.writeHead(401).end();
        return;
      }
      const controller = new AbortController();
      response.on("close", () => controller.abort());
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const answer = await client.chat.completions
          .create(body, { signal: controller.signal })
          .asResponse();
        response.writeHead(answer.status, {
          "content-type": answer.headers.get("content-type") ?? "application/json",
        });
        for await (const batch of responseChunks(answer, controller.signal)) {
          for (const chunk of batch) response.write(chunk);
        }
        response.end();
      } catch {
        response.destroy();
      }
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log("listening"));
