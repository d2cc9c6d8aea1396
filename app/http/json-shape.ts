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

/** The path of the first string (value or key) holding a NUL character, which PostgreSQL text cannot store. */
export function nulAt(value: unknown): string | undefined {
  const stack: Step[] = [{ value, key: "", depth: 0, parent: undefined }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const node = step.value;
    if (typeof node === "string") {
      if (node.includes("\0")) return pathOf(step) || "(body)";
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
      if (key.includes("\0")) return pathOf(child);
      stack.push(child);
    }
  }
  return undefined;
}

/** The step's path fit for an error message: its first eight keys, then how deep it went. */
function pathOf(step: Step) {
  const keys: string[] = [];
  for (let at: Step | undefined = step; at?.parent; at = at.parent) keys.unshift(at.key);
  const shown = keys.slice(0, 8).map((key) => key.slice(0, 40).replace(/\0/g, "\\0"));
  return keys.length > 8 ? `${shown.join(".")}… (${keys.length} levels)` : shown.join(".");
}
