import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import {
  AlertRuleSchema,
  AlertSubjectError,
  createAlertRule,
  deleteAlertRule,
  describeAlertRule,
  listAlertRules,
} from "../accounts/notifications/alert-rules.server.ts";
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  sendTestEvent,
  TooManyEndpointsError,
  WebhookEndpointSchema,
} from "../accounts/notifications/webhook-endpoints.server.ts";
import { requireApiScope } from "../accounts/require-user.server.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { jsonApi, money, readBody } from "./api-helpers.server.ts";

// Webhooks and alerts of the account in scope (ADR 068): owners and admins of a
// team, or the person on their own account. The signing secret is in the
// creation's answer only.

const notFound = (what: string) =>
  new GatewayError(404, `No such ${what}`, { type: "not_found_error", code: "not_found" });

const validId = (id: string | undefined) => (id && z.uuid().safeParse(id).success ? id : undefined);

type Endpoint = Awaited<ReturnType<typeof listEndpoints>>[number];
const presentEndpoint = (endpoint: Omit<Endpoint, "deliveries"> & Partial<Endpoint>) => ({
  id: endpoint.id,
  url: endpoint.url,
  secretPrefix: endpoint.prefix,
  events: endpoint.events,
  enabled: endpoint.enabled,
  createdAt: endpoint.createdAt.toISOString(),
  ...(endpoint.deliveries
    ? {
        deliveries: endpoint.deliveries.map((delivery) => ({
          id: String(delivery.id),
          event: delivery.event,
          status: delivery.status,
          attempts: delivery.attempts,
          lastStatus: delivery.lastStatus,
          lastError: delivery.lastError,
          createdAt: delivery.createdAt.toISOString(),
          deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
        })),
      }
    : {}),
});

/** GET /api/webhooks: each endpoint with its last ten deliveries. */
export const listWebhooksApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const endpoints = await listEndpoints(accounts.prisma, scope.accountId);
    return Response.json({ webhooks: endpoints.map(presentEndpoint) });
  });

/** POST /api/webhooks {url, events?}: the secret is in this answer only. */
export const createWebhookApi = (accounts: Accounts, box: SecretBox, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const input = await readBody(request, WebhookEndpointSchema);
    try {
      const { endpoint, secret } = await createEndpoint(
        accounts.prisma,
        box,
        scope.accountId,
        input,
      );
      return Response.json({ webhook: presentEndpoint(endpoint), secret }, { status: 201 });
    } catch (error) {
      if (error instanceof TooManyEndpointsError) throw invalidRequest(error.message, "url");
      throw error;
    }
  });

/** DELETE /api/webhooks/:id */
export const deleteWebhookApi = (accounts: Accounts, request: Request, id: string | undefined) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const found = validId(id);
    if (!found || !(await deleteEndpoint(accounts.prisma, scope.accountId, found)))
      throw notFound("webhook");
    return Response.json({ ok: true });
  });

/** POST /api/webhooks/:id/test: queues a `ping` event to that endpoint. */
export const testWebhookApi = (accounts: Accounts, request: Request, id: string | undefined) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const found = validId(id);
    if (!found || !(await sendTestEvent(accounts.prisma, scope.accountId, found)))
      throw notFound("webhook");
    return Response.json({ queued: true }, { status: 202 });
  });

type Rule = Awaited<ReturnType<typeof listAlertRules>>[number];
const presentRule = (rule: Omit<Rule, "firings"> & Partial<Pick<Rule, "firings">>) => {
  const percent = rule.kind.endsWith("_percent");
  return {
    id: rule.id,
    kind: rule.kind,
    description: describeAlertRule(rule),
    ...(percent ? { percent: Number(rule.threshold) } : { threshold: money(rule.threshold) }),
    subjectId: rule.subjectId,
    email: rule.byEmail,
    lastFiredAt: rule.firings?.[0]?.firedAt.toISOString() ?? null,
    createdAt: rule.createdAt.toISOString(),
  };
};

/** GET /api/alerts */
export const listAlertsApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const rules = await listAlertRules(accounts.prisma, scope.accountId);
    return Response.json({ alerts: rules.map(presentRule) });
  });

/** POST /api/alerts {kind, credits | percent, keyId | memberId, email?} */
export const createAlertApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const input = await readBody(request, AlertRuleSchema);
    try {
      const rule = await createAlertRule(accounts.prisma, scope.accountId, input);
      return Response.json({ alert: presentRule(rule) }, { status: 201 });
    } catch (error) {
      if (error instanceof AlertSubjectError)
        throw invalidRequest(`${error.field}: ${error.message}`, error.field);
      throw error;
    }
  });

/** DELETE /api/alerts/:id */
export const deleteAlertApi = (accounts: Accounts, request: Request, id: string | undefined) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    const found = validId(id);
    if (!found || !(await deleteAlertRule(accounts.prisma, scope.accountId, found)))
      throw notFound("alert");
    return Response.json({ ok: true });
  });
