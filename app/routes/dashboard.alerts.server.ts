import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { listApiKeys, keyScopeOf } from "#app/accounts/api-keys/api-keys.server.ts";
import {
  AlertSubjectError,
  createAlertRule,
  deleteAlertRule,
  describeAlertRule,
  listAlertRules,
  type AlertRuleInput,
} from "#app/accounts/notifications/alert-rules.server.ts";
import {
  NewAlertFormSchema,
  NewWebhookFormSchema,
  NotificationButtonSchema,
} from "#app/accounts/notifications/notification-forms.ts";
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  sendTestEvent,
  TooManyEndpointsError,
} from "#app/accounts/notifications/webhook-endpoints.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { listMembers } from "#app/accounts/teams/teams.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The Alerts page's loader and action (dashboard.alerts.tsx, ADR 068): the
// account's webhook endpoints with their delivery log, and its spend alerts.
// Owners and admins of a team; the person on their own account.

export async function loadAlertsPage(request: Request) {
  const scope = await requirePageScope(request, "allKeys");
  const { prisma } = getAccounts();
  const [endpoints, rules, keys, members] = await Promise.all([
    listEndpoints(prisma, scope.accountId),
    listAlertRules(prisma, scope.accountId),
    listApiKeys(prisma, keyScopeOf(scope)),
    scope.team ? listMembers(prisma, scope.accountId) : [],
  ]);
  const keyName = new Map(keys.map((key) => [key.id, key.name]));
  const memberEmail = new Map(members.map((member) => [member.userId, member.email]));
  return {
    team: scope.team?.name ?? null,
    webhooks: endpoints.map((endpoint) => ({
      id: endpoint.id,
      url: endpoint.url,
      secretPrefix: endpoint.prefix,
      events: endpoint.events.length === 0 ? "every event" : endpoint.events.join(", "),
      deliveries: endpoint.deliveries.map((delivery) => ({
        id: String(delivery.id),
        event: delivery.event,
        status: delivery.status,
        attempts: delivery.attempts,
        answer:
          delivery.lastError ?? (delivery.lastStatus === null ? "" : String(delivery.lastStatus)),
        at: delivery.createdAt.toISOString(),
      })),
    })),
    alerts: rules.map((rule) => ({
      id: rule.id,
      // The key's name or the member's e-mail instead of their id.
      description: describeAlertRule(
        rule,
        rule.subjectId && (keyName.get(rule.subjectId) ?? memberEmail.get(rule.subjectId)),
      ),
      email: rule.byEmail,
      lastFired: rule.firings[0]?.firedAt.toISOString() ?? null,
    })),
    keys: keys.map((key) => ({ id: key.id, name: key.name })),
    members: members.map((member) => ({ id: member.userId, email: member.email })),
  };
}

export async function alertsPageAction(request: Request) {
  const scope = await requirePageScope(request, "allKeys");
  const { prisma } = getAccounts();
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "webhook") {
    const submission = parseWithZod(form, { schema: NewWebhookFormSchema });
    if (submission.status !== "success")
      return data({ form: "webhook", result: submission.reply() }, { status: 400 });
    try {
      const { box } = await getGateway();
      const { endpoint, secret } = await createEndpoint(prisma, box, scope.accountId, {
        url: submission.value.url,
        events: submission.value.events,
      });
      return {
        form: "webhook",
        result: submission.reply({ resetForm: true }),
        created: { url: endpoint.url, secret },
      };
    } catch (error) {
      if (!(error instanceof TooManyEndpointsError)) throw error;
      const result = submission.reply({ formErrors: [error.message] });
      return data({ form: "webhook", result }, { status: 400 });
    }
  }
  if (intent === "alert") {
    const submission = parseWithZod(form, { schema: NewAlertFormSchema });
    if (submission.status !== "success")
      return data({ form: "alert", result: submission.reply() }, { status: 400 });
    const input = submission.value;
    const rule: AlertRuleInput =
      input.kind === "balance_below" || input.kind === "daily_spend_over"
        ? { kind: input.kind, credits: input.amount, email: input.email }
        : input.kind === "key_limit_percent"
          ? {
              kind: input.kind,
              keyId: input.subjectId ?? "",
              percent: input.amount,
              email: input.email,
            }
          : {
              kind: input.kind,
              memberId: input.subjectId ?? "",
              percent: input.amount,
              email: input.email,
            };
    if ("percent" in rule && input.amount > 100) {
      const result = submission.reply({ fieldErrors: { amount: ["A percent is at most 100"] } });
      return data({ form: "alert", result }, { status: 400 });
    }
    try {
      await createAlertRule(prisma, scope.accountId, rule);
    } catch (error) {
      if (!(error instanceof AlertSubjectError)) throw error;
      const result = submission.reply({ fieldErrors: { subjectId: [error.message] } });
      return data({ form: "alert", result }, { status: 400 });
    }
    return redirectWithToast(
      "/dashboard/alerts",
      "Alert saved: it fires once each time it is crossed.",
    );
  }
  const button = NotificationButtonSchema.safeParse(Object.fromEntries(form));
  if (!button.success) throw data("This form is incomplete", { status: 400 });
  const { id } = button.data;
  switch (button.data.intent) {
    case "delete-webhook":
      if (!(await deleteEndpoint(prisma, scope.accountId, id)))
        throw data("No such webhook", { status: 404 });
      return redirectWithToast("/dashboard/alerts", "Webhook deleted.");
    case "test-webhook":
      if (!(await sendTestEvent(prisma, scope.accountId, id)))
        throw data("No such webhook", { status: 404 });
      return redirectWithToast("/dashboard/alerts", "Test event queued: its delivery shows below.");
    case "delete-alert":
      if (!(await deleteAlertRule(prisma, scope.accountId, id)))
        throw data("No such alert", { status: 404 });
      return redirectWithToast("/dashboard/alerts", "Alert deleted.");
  }
}
