import {
  PRESET_PATTERNS,
  type ContentRule,
  type Guardrails,
} from "../accounts/guardrails/guardrail-policy.ts";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { requestedMaxTokens, type ChatMessage, type ChatRequest } from "../llm/chat-request.ts";
import type { NativeRequest } from "../providers/adapter.ts";
import { linearRegex } from "../utils/linear-regex.server.ts";
import { usdToMicro } from "../utils/money.ts";

// Guardrails as a request meets them (ADR 067), after its model is chosen and
// before its hold: providers and prices narrow its routes, max tokens caps or
// refuses it, content rules block it or redact its text. Nothing here runs for
// a key without a policy.

/** A policy ready to run: its content rules compiled once, when the key is loaded. */
export interface CompiledGuardrails extends Guardrails {
  rules: CompiledRule[];
}

interface CompiledRule extends ContentRule {
  /** Undefined when the stored pattern cannot run in linear time: the rule then refuses every request (fail closed). */
  regex: RegExp | undefined;
}

export function compileGuardrails(policy: Guardrails): CompiledGuardrails {
  const rules = (policy.contentRules ?? []).map((rule) => {
    const compiled = linearRegex(
      rule.pattern in PRESET_PATTERNS
        ? PRESET_PATTERNS[rule.pattern as keyof typeof PRESET_PATTERNS]
        : rule.pattern,
    );
    return { ...rule, regex: compiled instanceof RegExp ? compiled : undefined };
  });
  return { ...policy, rules };
}

/** What a request becomes under its guardrails. */
export interface GuardedRequest {
  chat: ChatRequest;
  native: NativeRequest | undefined;
  routes: RouteOption[];
  /** How many matches the redact rules replaced (counted in the usage row, never their text). */
  redactions: number;
}

export function enforceGuardrails(
  policy: CompiledGuardrails,
  request: { chat: ChatRequest; native: NativeRequest | undefined; routes: RouteOption[] },
  maxTokensParam = "max_tokens",
): GuardedRequest {
  const routes = allowedRoutes(policy, request.routes);
  let chat = capTokens(policy, request.chat, maxTokensParam);
  let native = request.native;
  let redactions = 0;
  for (const rule of policy.rules) {
    const regex = rule.regex;
    if (!regex) throw refused(`guardrail '${rule.name}' cannot be run; ask an admin to fix it`);
    if (rule.action === "block") {
      if (anyText(chat, native, (text) => matches(rule, regex, text)))
        throw refused(`The request matches the guardrail '${rule.name}' and was blocked`, 400);
      continue;
    }
    const redact = (text: string) =>
      text.replace(regex, (match) => {
        if (!counts(rule, match)) return match;
        redactions += 1;
        return `[REDACTED:${rule.name}]`;
      });
    chat = { ...chat, messages: chat.messages.map((message) => mapText(message, redact)) };
    if (native) native = { ...native, body: mapNativeText(native.body, redact) };
  }
  return { chat, native, routes, redactions };
}

/** The routes the policy lets serve: providers allowed and not denied, prices at most max_price. */
function allowedRoutes(policy: Guardrails, routes: RouteOption[]) {
  const { allowedProviders: allowed, deniedProviders: denied, maxPrice } = policy;
  const promptCap = maxPrice?.prompt === undefined ? undefined : usdToMicro(usd(maxPrice.prompt));
  const completionCap =
    maxPrice?.completion === undefined ? undefined : usdToMicro(usd(maxPrice.completion));
  const byProvider = routes.filter(
    (route) =>
      (!allowed?.length || allowed.includes(route.providerSlug)) &&
      !denied?.includes(route.providerSlug),
  );
  if (byProvider.length === 0)
    throw refused(
      `No provider of this model is allowed by the guardrails (${providerRule(policy)})`,
      403,
      "guardrail_provider_not_allowed",
    );
  const priced = byProvider.filter(
    (route) =>
      (promptCap === undefined || route.prices.input <= promptCap) &&
      (completionCap === undefined || route.prices.output <= completionCap),
  );
  if (priced.length === 0)
    throw refused(
      `Every provider of this model costs more than the guardrails' max_price (prompt ${maxPrice?.prompt ?? "any"}, completion ${maxPrice?.completion ?? "any"} USD per 1M tokens)`,
      403,
      "guardrail_max_price",
    );
  return priced;
}

function capTokens(policy: Guardrails, chat: ChatRequest, param: string): ChatRequest {
  if (policy.maxTokens === undefined) return chat;
  const asked = requestedMaxTokens(chat);
  if (asked === undefined) return { ...chat, max_completion_tokens: policy.maxTokens };
  if (asked > policy.maxTokens)
    throw new GatewayError(
      400,
      `${param} ${asked} is more than the guardrails allow: at most ${policy.maxTokens}`,
      { type: "invalid_request_error", code: "guardrail_max_tokens", param },
    );
  return chat;
}

function matches(rule: CompiledRule, regex: RegExp, text: string) {
  regex.lastIndex = 0;
  for (const match of text.matchAll(regex)) if (counts(rule, match[0])) return true;
  return false;
}

/** A card number counts only with 13–19 digits that pass the Luhn check (dates and ids do not). */
function counts(rule: ContentRule, match: string) {
  if (rule.pattern !== "card-number") return true;
  const digits = match.replace(/\D/g, "");
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
}

export function luhnValid(digits: string) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function anyText(
  chat: ChatRequest,
  native: NativeRequest | undefined,
  test: (text: string) => boolean,
) {
  let found = false;
  const look = (text: string) => {
    found ||= test(text);
    return text;
  };
  chat.messages.forEach((message) => mapText(message, look));
  if (native && !found) mapNativeText(native.body, look);
  return found;
}

/** The message with `map` applied to each text it carries (content, text parts). */
function mapText(message: ChatMessage, map: (text: string) => string): ChatMessage {
  const { content } = message;
  if (typeof content === "string") return { ...message, content: map(content) } as ChatMessage;
  if (!Array.isArray(content)) return message;
  const parts = content.map((part) =>
    part.type === "text" ? { ...part, text: map(part.text) } : part,
  );
  return { ...message, content: parts } as ChatMessage;
}

/** A native (Messages API) body with `map` applied to its system prompt and the texts of its messages. */
function mapNativeText(body: Record<string, unknown>, map: (text: string) => string) {
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === "string") return key === "text" || key === "content" ? map(value) : value;
    if (Array.isArray(value)) return value.map((item) => walk(item, key));
    if (value && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, walk(item, name)]),
      );
    return value;
  };
  return {
    ...body,
    system: typeof body.system === "string" ? map(body.system) : walk(body.system, "system"),
    messages: walk(body.messages, "messages"),
  };
}

function providerRule({ allowedProviders, deniedProviders }: Guardrails) {
  const rules = [
    allowedProviders?.length ? `only ${allowedProviders.join(", ")}` : null,
    deniedProviders?.length ? `never ${deniedProviders.join(", ")}` : null,
  ];
  return rules.filter((rule) => rule !== null).join("; ");
}

const usd = (amount: number) => amount.toFixed(8).replace(/\.?0+$/, "") || "0";

function refused(message: string, status = 400, code = "guardrail_content_blocked") {
  return new GatewayError(status, message, {
    type: status === 403 ? "permission_error" : "invalid_request_error",
    code,
  });
}
