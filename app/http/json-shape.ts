import { isStorableText } from "../utils/storable-text.ts";

/** Deeper than any real request nests: schemas, tool parameters and content parts fit in it. */
export const MAX_JSON_DEPTH = 64;

/** A value met while walking parsed JSON; its path is rebuilt only for an error message. */
interface Step {
  value: unknown;
  key: string;
  depth: number;
  parent: Step | undefined;
}

/**
 * The path of the first value nested deeper than `maxDepth` (e.g.
 * "tools.0.function.parameters.properties.a…") or undefined. It walks no
 * deeper than that, so a hostile body costs no more than a legitimate one.
 */
export function tooDeepAt(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  // Almost every body passes: check it without allocating, build the path only for a failure.
  if (!deeperThan(value, maxDepth)) return undefined;
  const stack: Step[] = [{ value, key: "", depth: 0, parent: undefined }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const node = step.value;
    if (node === null || typeof node !== "object") continue;
    if (step.depth >= maxDepth) return pathOf(step);
    for (const key in node)
      stack.push({
        value: (node as Record<string, unknown>)[key],
        key,
        depth: step.depth + 1,
        parent: step,
      });
  }
  return undefined;
}

/** Whether anything in `node` nests `levels` deeper; recursion stops there, so it is bounded. */
function deeperThan(node: unknown, levels: number): boolean {
  if (node === null || typeof node !== "object") return false;
  if (levels === 0) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (deeperThan(node[i], levels - 1)) return true;
    return false;
  }
  for (const key in node)
    if (deeperThan((node as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}

/** Text PostgreSQL cannot store (app/utils/storable-text.ts), where it is and what it holds. */
export interface UnstorableText {
  path: string;
  holds: "a NUL character" | "an unpaired surrogate";
}

/**
 * The first string (value or key) PostgreSQL could not store: one with a NUL
 * character, or with half of a UTF-16 surrogate pair ("\ud800" in JSON), which
 * the driver would turn into U+FFFD in text and a json column refuses.
 */
export function unstorableTextAt(value: unknown): UnstorableText | undefined {
  const stack: Step[] = [{ value, key: "", depth: 0, parent: undefined }];
  const problem = (text: string, step: Step): UnstorableText | undefined =>
    isStorableText(text)
      ? undefined
      : {
          path: pathOf(step) || "(body)",
          holds: text.includes("\0") ? "a NUL character" : "an unpaired surrogate",
        };
  while (stack.length > 0) {
    const step = stack.pop()!;
    const node = step.value;
    if (typeof node === "string") {
      const found = problem(node, step);
      if (found) return found;
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    for (const key in node) {
      const child = {
        value: (node as Record<string, unknown>)[key],
        key,
        depth: step.depth + 1,
        parent: step,
      };
      const found = problem(key, child);
      if (found) return found;
      stack.push(child);
    }
  }
  return undefined;
}

/** The step's path fit for an error message: its first eight keys, then how deep it went. */
function pathOf(step: Step) {
  const keys: string[] = [];
  for (let at: Step | undefined = step; at?.parent; at = at.parent) keys.unshift(at.key);
  const shown = keys.slice(0, 8).map((key) => visible(key.slice(0, 40)));
  return keys.length > 8 ? `${shown.join(".")}… (${keys.length} levels)` : shown.join(".");
}

// What a message cannot show as it is, as its JSON escape: NUL and lone surrogates.
const INVISIBLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const visible = (key: string) =>
  key.replace(INVISIBLE, (unit) =>
    unit === "\0" ? "\\0" : `\\u${unit.charCodeAt(0).toString(16)}`,
  );

/** The 400's message for unstorable text: the field, and what it must not hold. */
export const unstorableMessage = ({ path, holds }: UnstorableText) =>
  holds === "a NUL character"
    ? `${path}: must not contain NUL characters`
    : `${path}: must be well-formed Unicode text, without an unpaired surrogate (half of a UTF-16 pair, such as \\ud800 alone)`;
