// Preloaded into a gateway process (NODE_OPTIONS=--import) by tests that check
// what it loads: logs "loaded otel-tracing.server" (a JSON line, like the
// gateway's own) when the process imports the chunk of the server build that
// holds the OpenTelemetry SDK and its exporter (app/observability/otel-tracing.server.ts).
import { registerHooks } from "node:module";

let seen = false;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (!seen && /\/build\/server\/otel-tracing\.server-[\w-]+\.js$/.test(resolved.url)) {
      seen = true;
      process.stderr.write(`${JSON.stringify({ level: 30, msg: "loaded otel-tracing.server" })}\n`);
    }
    return resolved;
  },
});
