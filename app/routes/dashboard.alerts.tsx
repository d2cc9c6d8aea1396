import {
  getFormProps,
  getInputProps,
  getSelectProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "react-router";
import {
  NewAlertFormSchema,
  NewWebhookFormSchema,
} from "#app/accounts/notifications/notification-forms.ts";
import { EVENT_TYPES } from "#app/accounts/notifications/notification-kinds.ts";
import { FieldError, FormErrors, FormField } from "#app/components/form-field.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { Label } from "#app/components/ui/label.tsx";
import type { Route } from "./+types/dashboard.alerts";
import { alertsPageAction, loadAlertsPage } from "./dashboard.alerts.server.ts";

// Alerts and webhooks (ADR 068): where the account's events go, each endpoint's
// last deliveries, a test button; spend alerts that fire once per crossing. The
// loader and action are in dashboard.alerts.server.ts.

export async function loader({ request }: Route.LoaderArgs) {
  return loadAlertsPage(request);
}

export async function action({ request }: Route.ActionArgs) {
  return alertsPageAction(request);
}

export const meta: Route.MetaFunction = () => [{ title: "Alerts · LLM Gateway" }];

type Answer = {
  form: string;
  result?: SubmissionResult<string[]>;
  created?: { url: string; secret: string };
};

export default function Alerts({ loaderData, actionData }: Route.ComponentProps) {
  const answer = actionData as Answer | undefined;
  const { webhooks, alerts, keys, members } = loaderData;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">
        Alerts{loaderData.team ? ` of ${loaderData.team}` : ""}
      </h1>
      <Card>
        <CardHeader>
          <CardTitle>Spend alerts</CardTitle>
          <CardDescription>
            Each fires once when it is crossed, however many gateway instances see it: by webhook to
            the endpoints below, and by e-mail when ticked. A balance alert is armed again once the
            balance is back above it; the others once a day, period or month starts again.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {alerts.length === 0 ? (
            <p className="text-sm text-muted-foreground">No alerts yet.</p>
          ) : (
            <ul className="grid gap-2" aria-label="Alerts">
              {alerts.map((alert) => (
                <li key={alert.id} className="flex flex-wrap items-center gap-2 text-sm">
                  <span>{alert.description}</span>
                  {alert.email ? <Badge variant="outline">e-mail</Badge> : null}
                  <span className="text-muted-foreground">
                    {alert.lastFired
                      ? `last fired ${new Date(alert.lastFired).toLocaleString("en")}`
                      : "not fired yet"}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="intent" value="delete-alert" />
                    <input type="hidden" name="id" value={alert.id} />
                    <Button
                      type="submit"
                      size="sm"
                      variant="outline"
                      aria-label={`Delete alert: ${alert.description}`}
                    >
                      Delete
                    </Button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          {/* A saved alert starts the form afresh (a redirect keeps the page mounted). */}
          <NewAlertForm key={alerts.length} keys={keys} members={members} answer={answer} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Webhooks</CardTitle>
          <CardDescription>
            Events are POSTed as JSON, signed in the X-Gateway-Signature header (HMAC-SHA256 of
            “timestamp.body” with the endpoint’s secret), and retried with growing waits until the
            endpoint answers 2xx.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-6">
          {answer?.created ? (
            <div role="status" className="grid gap-1 rounded-md border border-primary p-3 text-sm">
              <p>Endpoint {answer.created.url} added. Its signing secret, shown this once:</p>
              <code data-testid="webhook-secret" className="break-all font-mono">
                {answer.created.secret}
              </code>
            </div>
          ) : null}
          {webhooks.map((webhook) => (
            <section key={webhook.id} aria-label={`Webhook ${webhook.url}`} className="grid gap-2">
              <div className="flex flex-wrap items-center gap-2">
                <span className="break-all font-medium">{webhook.url}</span>
                <span className="font-mono text-xs text-muted-foreground">
                  {webhook.secretPrefix}…
                </span>
                <span className="text-sm text-muted-foreground">{webhook.events}</span>
                <Form method="post">
                  <input type="hidden" name="intent" value="test-webhook" />
                  <input type="hidden" name="id" value={webhook.id} />
                  <Button type="submit" size="sm" variant="outline">
                    Send test
                  </Button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="delete-webhook" />
                  <input type="hidden" name="id" value={webhook.id} />
                  <Button type="submit" size="sm" variant="outline">
                    Delete
                  </Button>
                </Form>
              </div>
              {webhook.deliveries.length === 0 ? (
                <p className="text-sm text-muted-foreground">Nothing sent yet.</p>
              ) : (
                <div tabIndex={0} className="overflow-x-auto">
                  <table className="w-full text-sm" aria-label={`Deliveries to ${webhook.url}`}>
                    <thead className="text-left">
                      <tr>
                        <th className="py-1 pr-3 font-medium">Event</th>
                        <th className="py-1 pr-3 font-medium">Status</th>
                        <th className="py-1 pr-3 text-right font-medium">Attempts</th>
                        <th className="py-1 pr-3 font-medium">Last answer</th>
                        <th className="py-1 font-medium">Queued</th>
                      </tr>
                    </thead>
                    <tbody>
                      {webhook.deliveries.map((delivery) => (
                        <tr key={delivery.id} className="border-t">
                          <td className="py-1 pr-3 font-mono">{delivery.event}</td>
                          <td className="py-1 pr-3">{delivery.status}</td>
                          <td className="py-1 pr-3 text-right">{delivery.attempts}</td>
                          <td className="py-1 pr-3">{delivery.answer}</td>
                          <td className="py-1">{new Date(delivery.at).toLocaleString("en")}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ))}
          <NewWebhookForm key={webhooks.length} answer={answer} />
        </CardContent>
      </Card>
    </div>
  );
}

function useAnswer(answer: Answer | undefined, form: string) {
  const navigation = useNavigation();
  return navigation.state === "idle" && answer?.form === form ? answer.result : undefined;
}

function NewWebhookForm({ answer }: { answer: Answer | undefined }) {
  const [form, fields] = useForm({
    id: "new-webhook",
    lastResult: useAnswer(answer, "webhook"),
    constraint: getZodConstraint(NewWebhookFormSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewWebhookFormSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" aria-label="New webhook" className="grid gap-3" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="webhook" />
      <FormErrors errors={form.errors} />
      <FormField
        label="Endpoint URL"
        errors={fields.url.errors}
        inputProps={{
          ...getInputProps(fields.url, { type: "url" }),
          placeholder: "https://example.com/hooks/gateway",
        }}
      />
      <fieldset className="grid gap-1">
        <legend className="text-sm font-medium">Events (none ticked: every event)</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {EVENT_TYPES.map((type) => (
            <label key={type} className="flex items-center gap-1 text-sm">
              <input type="checkbox" name={fields.events.name} value={type} form={form.id} /> {type}
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <Button type="submit">Add endpoint</Button>
      </div>
    </Form>
  );
}

function NewAlertForm({
  keys,
  members,
  answer,
}: {
  keys: { id: string; name: string }[];
  members: { id: string; email: string }[];
  answer: Answer | undefined;
}) {
  const [form, fields] = useForm({
    id: "new-alert",
    lastResult: useAnswer(answer, "alert"),
    constraint: getZodConstraint(NewAlertFormSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewAlertFormSchema }),
    shouldRevalidate: "onInput",
  });
  const select = "h-9 rounded-md border border-input bg-transparent px-3 text-sm shadow-xs";
  return (
    <Form
      method="post"
      aria-label="New alert"
      className="grid gap-3 sm:grid-cols-2 sm:items-start"
      {...getFormProps(form)}
    >
      <input type="hidden" name="intent" value="alert" />
      <div className="sm:col-span-2 empty:hidden">
        <FormErrors errors={form.errors} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={fields.kind.id}>When</Label>
        <select {...getSelectProps(fields.kind)} className={select}>
          <option value="balance_below">the balance falls under (credits)</option>
          <option value="daily_spend_over">a UTC day’s spend passes (credits)</option>
          <option value="key_limit_percent">a key reaches (% of its limit)</option>
          {members.length > 0 ? (
            <option value="member_limit_percent">
              a member reaches (% of their monthly limit)
            </option>
          ) : null}
        </select>
        <FieldError id={fields.kind.errorId} errors={fields.kind.errors} />
      </div>
      <FormField
        label="Amount (credits, or a percent)"
        errors={fields.amount.errors}
        inputProps={{ ...getInputProps(fields.amount, { type: "number" }), min: 1 }}
      />
      <div className="grid gap-1.5">
        <Label htmlFor={fields.subjectId.id}>Key or member (for a percent)</Label>
        <select {...getSelectProps(fields.subjectId)} className={select}>
          <option value="">—</option>
          {keys.map((key) => (
            <option key={key.id} value={key.id}>
              key {key.name}
            </option>
          ))}
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              member {member.email}
            </option>
          ))}
        </select>
        <FieldError id={fields.subjectId.errorId} errors={fields.subjectId.errors} />
      </div>
      <label className="flex items-center gap-2 self-end text-sm">
        <input {...getInputProps(fields.email, { type: "checkbox" })} /> Also by e-mail
      </label>
      <div>
        <Button type="submit">Add alert</Button>
      </div>
    </Form>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
