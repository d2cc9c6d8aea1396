import type { z } from "zod";
import {
  DATABASE_UNAVAILABLE,
  errorResponse,
  GatewayError,
  INTERNAL_ERROR,
  invalidRequest,
} from "../http/gateway-error.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { formatCredits, formatUsd } from "../utils/money.ts";
import { unstorableMessage, unstorableTextAt } from "../http/json-shape.ts";
import { describeZodError } from "../http/zod-issue.ts";
import { processLogger } from "../observability/logger.server.ts";

/**
 * Runs a JSON API handler: thrown Responses and GatewayErrors become the answer,
 * anything else a logged 500.
 */
export async function jsonApi(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Response) return error;
    if (error instanceof GatewayError) return errorResponse(error);
    if (isDatabaseUnavailable(error)) return errorResponse(DATABASE_UNAVAILABLE);
    processLogger().error({ err: error }, "JSON API request failed");
    return errorResponse(INTERNAL_ERROR);
  }
}

/** The JSON body validated by `schema`; a 4xx naming the first bad field otherwise. */
export async function readBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  const body = await readJsonBody(request);
  const unstorable = unstorableTextAt(body);
  if (unstorable) throw invalidRequest(unstorableMessage(unstorable), unstorable.path);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { message, path } = describeZodError(parsed.error);
  throw invalidRequest(message, path);
}

/** Money for JSON: exact µcr as a string, plus human forms. */
export function money(micro: bigint) {
  return { microCredits: micro.toString(), credits: formatCredits(micro), usd: formatUsd(micro) };
}
