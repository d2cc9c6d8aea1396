// Preloaded into a gateway process (NODE_OPTIONS=--import) by tests that check
// what it loads: logs "loaded <package>" once for each @opentelemetry package
// the process imports or requires (a JSON line, like the gateway's own).
import { registerHooks } from "node:module";

const seen = new Set<string>();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = /\/node_modules\/(@opentelemetry\/[^/]+)\//.exec(resolved.url)?.[1];
    if (name && !seen.has(name)) {
      seen.add(name);
      process.stderr.write(`${JSON.stringify({ level: 30, msg: `loaded ${name}` })}\n`);
    }
    return resolved;
  },
});
