// One error shape for the whole gateway, rendered in OpenAI's format:
// {"error":{"message","type","code","param"}}.

export type GatewayErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "insufficient_credits"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "upstream_error"
  | "server_error";

export class GatewayError extends Error {
  readonly status: number;
  readonly type: GatewayErrorType;
  readonly code: string | null;
  readonly param: string | null;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfter: number | undefined;
  /** More headers for the answer (a rate limit's x-ratelimit-*). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    message: string,
    options: {
      type: GatewayErrorType;
      code?: string;
      param?: string;
      retryAfter?: number;
      headers?: Record<string, string>;
    },
  ) {
    super(message);
    this.name = "GatewayError";
    this.status = status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers;
  }

  toJSON() {
    return {
      error: { message: this.message, type: this.type, code: this.code, param: this.param },
    };
  }
}

export function errorResponse(error: GatewayError, headers?: HeadersInit) {
  const response = Response.json(error.toJSON(), { status: error.status, headers });
  if (error.retryAfter !== undefined)
    response.headers.set("Retry-After", String(Math.ceil(error.retryAfter)));
  return response;
}

export const invalidRequest = (message: string, param?: string, code = "invalid_request") =>
  new GatewayError(400, message, { type: "invalid_request_error", code, param });

/** The database cannot be reached (restarting, down): try again in a moment. */
export const DATABASE_UNAVAILABLE = new GatewayError(
  503,
  "The gateway's database is unavailable; retry in a moment",
  { type: "server_error", code: "database_unavailable", retryAfter: 1 },
);

/** An unexpected failure: the answer says only this; the details go to the log. */
export const INTERNAL_ERROR = new GatewayError(500, "Internal error", { type: "server_error" });
