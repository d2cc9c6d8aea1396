// The tools a Responses request offers a model, flattened into one list of
// uniquely named functions, and the way back from such a name to the tool the
// client declared (its own name and namespace), so that a call reaches the
// client as it routes calls. See docs/decisions/041-codex-as-it-ships.md.
// @see https://platform.openai.com/docs/api-reference/responses/create#responses_create-tools

import type { z } from "zod";
import type { CustomTool } from "./responses-tool-schemas.ts";

/** OpenAI's default namespace: a plain function tool is `functions.<name>` to its models. */
export const DEFAULT_NAMESPACE = "functions";

const MAX_NAME = 64;

/**
 * A tool's name as the canonical request (and so every provider) knows it:
 * its own name in the default namespace, else `<namespace>__<name>`, Codex's
 * own flat spelling of a namespaced tool (codex-rs/protocol/src/tool_name.rs).
 * A name past the 64 characters providers allow is shortened with a hash.
 */
export function qualifiedToolName(namespace: string | null | undefined, name: string): string {
  if (!namespace || namespace === DEFAULT_NAMESPACE) return name;
  const flat = `${namespace.replace(/_+$/, "")}__${name.replace(/^_+/, "")}`;
  return flat.length <= MAX_NAME ? flat : `${flat.slice(0, MAX_NAME - 9)}_${fnv1a(flat)}`;
}

/** 8 hex digits of FNV-1a: enough to tell apart the long names of one request. */
function fnv1a(text: string) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** A callable tool as the client declared it. */
export interface DeclaredTool<Tool> {
  /** Its name in the canonical request. */
  qualifiedName: string;
  /** Its own name, and its namespace when it has one: how a call of it goes back. */
  name: string;
  namespace?: string;
  tool: Tool;
}

/** A tool of a request's list: a function or custom tool, a namespace of them, or a hosted tool (no name). */
interface ListedTool {
  type: string;
  name?: string;
  tools?: readonly ListedTool[];
}

/**
 * Function and custom tools, each once under its qualified name, in the order
 * they are declared: the request's `tools`, then the tools of its
 * `additional_tools` items. A tool declared again (a later item updating the
 * set, as Codex's do) keeps its place and takes the later definition.
 * Hosted tools (no name) are not callable here: only OpenAI runs them.
 */
export function declaredTools<Tool extends ListedTool>(
  lists: readonly (readonly ListedTool[])[],
): DeclaredTool<Tool>[] {
  const byName = new Map<string, DeclaredTool<Tool>>();
  const declare = (tool: ListedTool, namespace?: string) => {
    if (!tool.name) return;
    const qualifiedName = qualifiedToolName(namespace, tool.name);
    byName.set(qualifiedName, {
      qualifiedName,
      name: tool.name,
      ...(namespace ? { namespace } : {}),
      tool: tool as Tool,
    });
  };
  for (const list of lists) {
    for (const tool of list) {
      if (tool.type === "namespace")
        for (const inner of tool.tools ?? []) declare(inner, tool.name);
      else declare(tool);
    }
  }
  return [...byName.values()];
}

/** How a model's call of a canonical name is written back: the declared tool, or the name as it came. */
export interface CallTarget {
  type: "function" | "custom";
  name: string;
  namespace?: string;
}

export type CallTargets = ReadonlyMap<string, CallTarget>;

export function callTargets(tools: readonly DeclaredTool<{ type: string }>[]): CallTargets {
  return new Map(
    tools.map(({ qualifiedName, name, namespace, tool }) => [
      qualifiedName,
      {
        type: tool.type === "custom" ? "custom" : "function",
        name,
        ...(namespace ? { namespace } : {}),
      },
    ]),
  );
}

/** A call of a name the model made up: a function call under that name. */
export const callTarget = (targets: CallTargets, name: string): CallTarget =>
  targets.get(name) ?? { type: "function", name };

/** A custom tool's one argument, as the function the canonical request calls. */
export const customToolParameters = (tool: z.infer<typeof CustomTool>) => ({
  type: "object",
  properties: {
    input: {
      type: "string",
      description:
        tool.format?.type === "grammar"
          ? `Plain text in this ${tool.format.syntax} grammar:\n${tool.format.definition}`
          : "Plain text.",
    },
  },
  required: ["input"],
  additionalProperties: false,
});

/** A custom tool call's input as canonical function arguments, and back. */
export const customToolArguments = (input: string) => JSON.stringify({ input });

export function customToolInput(argumentsJson: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (typeof parsed === "object" && parsed !== null && "input" in parsed) {
      const { input } = parsed;
      if (typeof input === "string") return input;
    }
  } catch {
    // A model that broke the JSON wrapper: its text is the best input there is.
  }
  return argumentsJson;
}
