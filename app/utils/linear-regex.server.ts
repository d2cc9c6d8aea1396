import { setFlagsFromString } from "node:v8";

// Regular expressions from users (guardrails' content rules, ADR 067) run in V8's
// linear-time engine: no pattern, however written, can backtrack for minutes on a
// long prompt and stall every request of the process. V8 reads the flag when it
// compiles a pattern with the `l` flag, so setting it here, before any, suffices.
setFlagsFromString("--enable-experimental-regexp-engine");

/** `source` compiled to run in linear time (global), or the reason it cannot be. */
export function linearRegex(source: string): RegExp | { problem: string } {
  try {
    // eslint-disable-next-line no-invalid-regexp -- `l` (linear) is V8's, enabled by the flag above
    return new RegExp(source, "gl");
  } catch (error) {
    return {
      problem: /linear time/.test(String(error))
        ? "cannot run in linear time: no back-references or lookarounds, and counted repeats of at most 16 (x{16}x{4} for x{20})"
        : "is not a valid regular expression",
    };
  }
}
