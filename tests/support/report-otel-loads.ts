// Preloaded into a gateway process (NODE_OPTIONS=--import) by tests that check
// what it loads: prints "loaded <package>" once for each @opentelemetry package
// the process imports or requires.
import { registerHooks } from "node:module";

const seen = new Set<string>();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = /\/node_modules\/(@opentelemetry\/[^/]+)\//.exec(resolved.url)?.[1];
    if (name && !seen.has(name)) {
      seen.add(name);
      process.stderr.write(`loaded ${name}\n`);
    }
    return resolved;
  },
});
