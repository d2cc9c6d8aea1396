import type { ChangeListener } from "../../db/change-listener.server.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import { mailDelivery, sendMail } from "../mailer.server.ts";
import type { Logger } from "../../observability/logger.server.ts";
import { formatMoney } from "../../utils/money.ts";
import { emitEvent } from "./events.server.ts";
import { describeAlertRule, type AlertKind } from "./alert-rules.server.ts";

// Spend alerts (ADR 068), checked after the ledger writes an account's balance,
// at most twice a second per account and instance, only for accounts that have
// rules. Each firing is claimed in PostgreSQL first, so an alert fires once per
// crossing however many instances see it: balance rules flip `armed` (and are
// armed again once the balance is back at or above), the others insert their
// period into alert_firings.

export const ALERT_RULES_CHANNEL = "gateway_alert_rules_changed";
const MIN_GAP_MS = 500;

interface Fired {
  id: string;
  kind: AlertKind;
  threshold: bigint;
  subject_id: string | null;
  by_email: boolean;
  value: bigint;
  period: string;
}

export class AlertWatcher {
  private readonly prisma: Prisma;
  private readonly log: Logger;
  private readonly listener: ChangeListener;
  /** The accounts with rules, loaded once and again on each change. */
  private accounts: Promise<Set<string>> | undefined;
  private readonly checking = new Map<string, { again: boolean }>();

  constructor(options: { prisma: Prisma; log: Logger; listener: ChangeListener }) {
    this.prisma = options.prisma;
    this.log = options.log;
    this.listener = options.listener;
    const forget = () => (this.accounts = undefined);
    options.listener.on(ALERT_RULES_CHANNEL, forget);
    options.listener.onConnectionLost(forget);
  }

  /** The ledger wrote these balances: check the alerts of those accounts that have any. */
  balancesWritten(users: { id: string }[]) {
    if (users.length === 0) return;
    void this.withRules()
      .then((accounts) => {
        for (const user of users) if (accounts.has(user.id)) this.schedule(user.id);
      })
      .catch((error: unknown) => this.log.error({ err: error }, "alert check failed"));
  }

  private withRules() {
    if (this.accounts && this.listener.connected) return this.accounts;
    const loading = this.prisma.alertRule
      .findMany({ distinct: ["accountId"], select: { accountId: true } })
      .then((rows) => new Set(rows.map((row) => row.accountId)));
    this.accounts = loading;
    loading.catch(() => (this.accounts = undefined));
    return loading;
  }

  /** One check at a time per account; balances written meanwhile get one more after it. */
  private schedule(accountId: string) {
    const running = this.checking.get(accountId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.checking.set(accountId, state);
    void (async () => {
      do {
        state.again = false;
        await this.check(accountId).catch((error: unknown) =>
          this.log.error({ err: error, accountId }, "alert check failed"),
        );
        await new Promise((resolve) => setTimeout(resolve, MIN_GAP_MS));
      } while (state.again);
      this.checking.delete(accountId);
    })();
  }

  /** Claims every rule of the account whose condition holds and that has not fired for it yet, then sends them. */
  async check(accountId: string) {
    const fired = await this.prisma.$queryRaw<Fired[]>`
      WITH account AS (SELECT balance FROM users WHERE id = ${accountId}::uuid),
      balance_fired AS (
        UPDATE alert_rules r SET armed = false FROM account
        WHERE r.account_id = ${accountId}::uuid AND r.kind = 'balance_below' AND r.armed
          AND account.balance < r.threshold
        RETURNING r.id, r.kind, r.threshold, r.subject_id, r.by_email, account.balance AS value,
          'crossing' AS period
      ), rearmed AS (
        UPDATE alert_rules r SET armed = true FROM account
        WHERE r.account_id = ${accountId}::uuid AND r.kind = 'balance_below' AND NOT r.armed
          AND account.balance >= r.threshold
      ), measured AS (
        SELECT r.id, r.kind, r.threshold, r.subject_id, r.by_email, m.value, m.period, m.reached
        FROM alert_rules r
        CROSS JOIN LATERAL (
          SELECT COALESCE(sum(d.cost), 0)::bigint AS value,
            to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS period,
            COALESCE(sum(d.cost), 0) > r.threshold AS reached
          FROM usage_days d
          WHERE r.kind = 'daily_spend_over' AND d.user_id = r.account_id
            AND d.day = (now() AT TIME ZONE 'UTC')::date
          HAVING r.kind = 'daily_spend_over'
          UNION ALL
          SELECT CASE WHEN k.period_limit IS NOT NULL THEN k.period_spent ELSE k.spent END,
            CASE WHEN k.period_limit IS NOT NULL THEN COALESCE(k.period_start::text, 'period')
              ELSE 'lifetime' END,
            CASE WHEN k.period_limit IS NOT NULL THEN k.period_spent * 100 >= k.period_limit * r.threshold
              ELSE k.spent * 100 >= k.credit_limit * r.threshold END
          FROM api_keys k
          WHERE r.kind = 'key_limit_percent' AND k.id = r.subject_id
            AND (k.period_limit IS NOT NULL OR k.credit_limit IS NOT NULL)
          UNION ALL
          SELECT t.month_spent, COALESCE(t.month_start::text, 'month'),
            t.month_spent * 100 >= t.monthly_limit * r.threshold
          FROM team_members t
          WHERE r.kind = 'member_limit_percent' AND t.team_id = r.account_id
            AND t.user_id = r.subject_id AND t.monthly_limit IS NOT NULL
        ) m
        WHERE r.account_id = ${accountId}::uuid AND r.kind <> 'balance_below'
      ), claimed AS (
        INSERT INTO alert_firings (rule_id, period)
        SELECT id, period FROM measured WHERE reached
        ON CONFLICT DO NOTHING
        RETURNING rule_id, period
      )
      SELECT id, kind, threshold, subject_id, by_email, value, period FROM balance_fired
      UNION ALL
      SELECT m.id, m.kind, m.threshold, m.subject_id, m.by_email, m.value, m.period
      FROM measured m JOIN claimed c ON c.rule_id = m.id AND c.period = m.period`;
    for (const alert of fired) await this.send(accountId, alert);
  }

  private async send(accountId: string, alert: Fired) {
    const rule = describeAlertRule({
      kind: alert.kind,
      threshold: alert.threshold,
      subjectId: alert.subject_id,
    });
    const percentKind = alert.kind === "key_limit_percent" || alert.kind === "member_limit_percent";
    await emitEvent(
      this.prisma,
      {
        accountId,
        type: "alert.triggered",
        data: {
          rule_id: alert.id,
          kind: alert.kind,
          description: rule,
          threshold: percentKind ? Number(alert.threshold) : String(alert.threshold),
          value_micro_credits: String(alert.value),
          subject_id: alert.subject_id,
          period: alert.period,
        },
      },
      this.log,
    );
    this.log.info({ accountId, ruleId: alert.id, kind: alert.kind }, "alert fired");
    if (alert.by_email) await this.mail(accountId, rule, alert.value);
  }

  /** The alert by e-mail to the account's owner, or a team's owners and admins (MAIL_DELIVERY). */
  private async mail(accountId: string, rule: string, value: bigint) {
    const delivery = mailDelivery();
    if (delivery.kind === "unavailable") return;
    const people = await this.prisma.user.findMany({
      where: {
        OR: [
          { id: accountId, email: { not: null } },
          { memberships: { some: { teamId: accountId, role: { in: ["OWNER", "ADMIN"] } } } },
        ],
      },
      select: { email: true },
    });
    const mail = {
      subject: `Alert: ${rule}`,
      text: `Your alert "${rule}" fired. The amount it watches is now ${formatMoney(value)}.\n\nAlerts are set on the dashboard's Notifications page.`,
    };
    for (const { email } of people) {
      if (!email) continue;
      if (delivery.kind === "log") {
        this.log.warn({ to: email, ...mail }, "alert mail (no SMTP_URL: logged instead of sent)");
        continue;
      }
      await sendMail(delivery, { to: email, ...mail }).catch((error: unknown) =>
        this.log.error({ err: error, to: email }, "could not send an alert mail"),
      );
    }
  }
}
