import {
  getFormProps,
  getInputProps,
  getSelectProps,
  useForm,
  type DefaultValue,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ReactNode } from "react";
import { Form, useNavigation } from "react-router";
import type { z } from "zod";
import {
  CreateTeamSchema,
  DeleteTeamSchema,
  InviteSchema,
  MemberLimitSchema,
  MemberRoleSchema,
} from "#app/accounts/teams/teams-fields.ts";
import { INVITATION_DAYS, TEAM_ROLES } from "#app/accounts/teams/team-rules.ts";
import { FieldError, FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";

// The Teams page's forms (ADR 048): conform with the schemas the action uses;
// an error shows beside its field and stays until its value changes (ADR 046).

/** What the page's action answered, for the form it was sent from. */
export type TeamAnswer = { form: string; result?: SubmissionResult<string[]>; message?: string };

/** The answer meant for form `id`, once the page is idle again. */
function useAnswer(answer: TeamAnswer | undefined, id: string) {
  const navigation = useNavigation();
  return navigation.state === "idle" && answer?.form === id ? answer : undefined;
}

function useTeamForm<Schema extends z.ZodObject>(
  id: string,
  schema: Schema,
  answer: TeamAnswer | undefined,
  defaultValue?: Record<string, string>,
) {
  return useForm<z.input<Schema>, z.output<Schema>>({
    id,
    // Form values as the page shows them: text, as conform reads them back.
    defaultValue: defaultValue as DefaultValue<z.input<Schema>>,
    lastResult: useAnswer(answer, id)?.result,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: "onInput",
  });
}

const Hidden = ({ name, value }: { name: string; value: string }) => (
  <input type="hidden" name={name} value={value} />
);

export function CreateTeamForm({ answer }: { answer: TeamAnswer | undefined }) {
  const [form, fields] = useTeamForm("create", CreateTeamSchema, answer);
  return (
    <Form method="post" className="grid gap-3" aria-label="New team" {...getFormProps(form)}>
      <Hidden name="intent" value="create" />
      <FormErrors errors={form.errors} />
      <div className="max-w-xs">
        <FormField
          label="New team’s name"
          errors={fields.name.errors}
          inputProps={{ ...getInputProps(fields.name, { type: "text" }), maxLength: 100 }}
        />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input {...getInputProps(fields.switch, { type: "checkbox" })} /> Work in it now (its
        balance, keys and usage instead of your current account’s)
      </label>
      <div>
        <Button type="submit">Create team</Button>
      </div>
    </Form>
  );
}

export function InviteForm({ answer }: { answer: TeamAnswer | undefined }) {
  const [form, fields] = useTeamForm("invite", InviteSchema, answer, {
    role: "MEMBER",
    days: String(INVITATION_DAYS),
  });
  return (
    <Form
      method="post"
      className="flex flex-wrap items-start gap-3"
      aria-label="Invitation"
      {...getFormProps(form)}
    >
      <Hidden name="intent" value="invite" />
      <div className="basis-full empty:hidden">
        <FormErrors errors={form.errors} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={fields.role.id}>Role</Label>
        <RoleSelect {...getSelectProps(fields.role)} />
        <FieldError id={fields.role.errorId} errors={fields.role.errors} />
      </div>
      <div className="w-36">
        <FormField
          label="Valid for (days)"
          errors={fields.days.errors}
          inputProps={{ ...getInputProps(fields.days, { type: "number" }), min: 1, max: 30 }}
        />
      </div>
      <Button type="submit" className="mt-[22px]">
        Create invitation link
      </Button>
    </Form>
  );
}

export function MemberRoleForm({
  member,
  answer,
}: {
  member: { userId: string; email: string; role: string };
  answer: TeamAnswer | undefined;
}) {
  const [form, fields] = useTeamForm(`role-${member.userId}`, MemberRoleSchema, answer, {
    role: member.role,
  });
  return (
    <Form method="post" className="grid gap-1" {...getFormProps(form)}>
      <Hidden name="intent" value="role" />
      <Hidden name="userId" value={member.userId} />
      <div className="flex items-center gap-1">
        <RoleSelect {...getSelectProps(fields.role)} aria-label={`Role of ${member.email}`} />
        <Button type="submit" size="sm" variant="outline">
          Save
        </Button>
      </div>
      <FieldError
        id={fields.role.errorId}
        errors={[...(form.errors ?? []), ...(fields.role.errors ?? [])]}
      />
    </Form>
  );
}

export function MemberLimitForm({
  member,
  answer,
}: {
  member: { userId: string; email: string; monthlyLimit: string | null };
  answer: TeamAnswer | undefined;
}) {
  const [form, fields] = useTeamForm(`limit-${member.userId}`, MemberLimitSchema, answer, {
    monthlyLimit: member.monthlyLimit ?? "",
  });
  return (
    <Form method="post" className="grid gap-1" {...getFormProps(form)}>
      <Hidden name="intent" value="limit" />
      <Hidden name="userId" value={member.userId} />
      <div className="flex items-center gap-1">
        <Input
          {...getInputProps(fields.monthlyLimit, { type: "number" })}
          min={1}
          placeholder="none"
          className="w-28"
          aria-label={`Monthly credit limit of ${member.email}`}
          aria-invalid={fields.monthlyLimit.errors?.length ? true : undefined}
          aria-describedby={
            fields.monthlyLimit.errors?.length ? fields.monthlyLimit.errorId : undefined
          }
        />
        <Button type="submit" size="sm" variant="outline">
          Set
        </Button>
      </div>
      <FieldError
        id={fields.monthlyLimit.errorId}
        errors={[...(form.errors ?? []), ...(fields.monthlyLimit.errors ?? [])]}
      />
    </Form>
  );
}

export function DeleteTeamForm({ team, answer }: { team: string; answer: TeamAnswer | undefined }) {
  const [form, fields] = useTeamForm("delete", DeleteTeamSchema, answer);
  return (
    <Form method="post" className="grid gap-2" {...getFormProps(form)}>
      <Hidden name="intent" value="delete" />
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-1 text-sm text-muted-foreground">
          <input
            {...getInputProps(fields.confirm, { type: "checkbox", value: "yes" })}
            aria-describedby={fields.confirm.errors?.length ? fields.confirm.errorId : undefined}
          />{" "}
          Delete it: its keys stop working; its history stays; its balance is not refunded
        </label>
        <Button type="submit" variant="destructive">
          Delete {team}
        </Button>
      </div>
      <FieldError
        id={fields.confirm.errorId}
        errors={[...(form.errors ?? []), ...(fields.confirm.errors ?? [])]}
      />
    </Form>
  );
}

/** A button's form (leave, remove): the refusal it got, beside it. */
export function ButtonForm({
  id,
  answer,
  children,
}: {
  id: string;
  answer: TeamAnswer | undefined;
  children: ReactNode;
}) {
  const message = useAnswer(answer, id)?.message;
  return (
    <Form method="post" className="grid gap-1">
      {children}
      {message ? (
        <p role="alert" className="text-sm text-destructive">
          {message}
        </p>
      ) : null}
    </Form>
  );
}

export function RoleSelect(props: React.ComponentProps<"select">) {
  return (
    <select {...props} className="h-9 rounded-md border border-input bg-transparent px-2 text-sm">
      {TEAM_ROLES.map((role) => (
        <option key={role} value={role}>
          {role.toLowerCase()}
        </option>
      ))}
    </select>
  );
}
