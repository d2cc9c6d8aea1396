// Validators for OpenAI's own OpenAPI schemas (tests/fixtures/openai-*-schemas.json,
// from github.com/openai/openai-openapi): a name in, a check that says "valid" or why not.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

// OpenAPI's `nullable` is not JSON Schema: turn it into a "null" type.
function withoutNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutNullable);
  if (typeof node !== "object" || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, withoutNullable(value)]),
  );
  if (nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  if (typeof out.type === "string") out.type = [out.type, "null"];
  else if (!out.type) return { anyOf: [out, { type: "null" }] };
  return out;
}
/** The schemas of one fixture file, by name (the chat file keeps them at the top, the other under components). */
export function openAISchemas(fixture: string, options: { validateFormats?: boolean } = {}) {
  const spec = JSON.parse(
    readFileSync(join(import.meta.dirname, "..", "fixtures", fixture), "utf8"),
  ) as {
    schemas?: Record<string, unknown>;
    components?: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true, ...options });
  const schemas = withoutNullable(spec.schemas ?? spec.components?.schemas);
  ajv.addSchema({ $id: "openai", components: { schemas } });
  return (name: string) => {
    const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return (value: unknown) =>
      validate(value) ? "valid" : JSON.stringify(validate.errors?.slice(0, 3));
  };
}

/** A validator of the chat schemas (tests/fixtures/openai-chat-schemas.json). */
export const openAISchemaValidator = openAISchemas("openai-chat-schemas.json");

/** A validator of the Responses and embeddings schemas (formats unchecked). */
export const openAIResponsesSchemaValidator = openAISchemas(
  "openai-responses-embeddings-schemas.json",
  { validateFormats: false },
);

/** Each event against the schema of its own type (the union's anyOf reports little). */
const EVENT_SCHEMAS: Record<string, string> = {
  "response.created": "ResponseCreatedEvent",
  "response.in_progress": "ResponseInProgressEvent",
  "response.output_item.added": "ResponseOutputItemAddedEvent",
  "response.output_item.done": "ResponseOutputItemDoneEvent",
  "response.content_part.added": "ResponseContentPartAddedEvent",
  "response.content_part.done": "ResponseContentPartDoneEvent",
  "response.output_text.delta": "ResponseTextDeltaEvent",
  "response.output_text.done": "ResponseTextDoneEvent",
  "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
  "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
  "response.custom_tool_call_input.delta": "ResponseCustomToolCallInputDeltaEvent",
  "response.custom_tool_call_input.done": "ResponseCustomToolCallInputDoneEvent",
  "response.completed": "ResponseCompletedEvent",
  "response.incomplete": "ResponseIncompleteEvent",
  "response.failed": "ResponseFailedEvent",
  error: "ResponseErrorEvent",
};
const validStreamEvent = openAIResponsesSchemaValidator("ResponseStreamEvent");
/** A Responses stream event against its own type's schema and the union's: "valid" or why not. */
export function validResponsesEvent(event: { type: string }) {
  const name = EVENT_SCHEMAS[event.type];
  if (!name) return `unexpected event ${event.type}`;
  const own = openAIResponsesSchemaValidator(name)(event);
  return own === "valid" ? validStreamEvent(event) : own;
}
