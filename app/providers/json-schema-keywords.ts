// A tool's parameters without the keys JSON Schema does not define (the Codex
// CLI marks some properties `"encrypted": true`): OpenAI takes them as they are,
// but Claude and Gemini are given only the standard vocabulary (ADR 041).
// @see https://json-schema.org/draft/2020-12/json-schema-core#name-keywords

/** Keywords whose value is a schema, or an array of schemas. */
const SCHEMA_VALUED = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "unevaluatedItems",
  "unevaluatedProperties",
  "propertyNames",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "anyOf",
  "oneOf",
  "allOf",
  "prefixItems",
]);

/** Keywords whose value maps names (any names) to schemas. */
const SCHEMA_MAPS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/** Keywords whose value is data, kept as it is. */
const VALUE_KEYWORDS = new Set([
  "$schema",
  "$id",
  "$ref",
  "$anchor",
  "$dynamicRef",
  "$dynamicAnchor",
  "$comment",
  "type",
  "enum",
  "const",
  "required",
  "dependentRequired",
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minContains",
  "maxContains",
  "minProperties",
  "maxProperties",
  "contentEncoding",
  "contentMediaType",
  // OpenAPI's, which Gemini's schema reads.
  "nullable",
]);

export function standardJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(standardJsonSchema);
  if (typeof schema !== "object" || schema === null) return schema; // true/false schemas
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_VALUED.has(key)) kept[key] = standardJsonSchema(value);
    else if (SCHEMA_MAPS.has(key) && typeof value === "object" && value !== null)
      kept[key] = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, standardJsonSchema(inner)]),
      );
    else if (VALUE_KEYWORDS.has(key)) kept[key] = value;
  }
  return kept;
}
