// The least a Node proxy in front of an LLM API can do, for `npm run bench`
// to compare against: read the body, check the key, forward it over a
// keep-alive connection, pass the answer through. No database, no parsing of
// the answer. Usage: node scripts/bench/minimal-proxy.ts PORT UPSTREAM_URL KEY
import http from "node:http";

const [port, upstream, key] = process.argv.slice(2);
const target = new URL(upstream!);
const agent = new http.Agent({ keepAlive: true });

http
  .createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.headers.authorization !== `Bearer ${key}`) {
        response.writeHead(401).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const forwarded = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname.replace(/\/$/, "")}/chat/completions`,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            authorization: "Bearer upstream",
          },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on("error", () => response.destroy());
      forwarded.end(body);
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log("listening"));
