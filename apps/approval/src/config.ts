import {
  ConfigError,
  formatKeyPath,
  positionOf,
  resolveSecret,
  SecretResolutionError,
  secretRefSchema,
  type LoadedConfig,
  type SecretRef,
} from '@portcullis/config';
import { Webhook } from 'standardwebhooks';
import { z, type ZodIssue } from 'zod';

export const webhookEvents = ['approval.requested', 'approval.decided'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];
export const webhookFormats = ['standard', 'slack'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

const httpUrl = z
  .string()
  .url()
  .refine((u) => ['http:', 'https:'].includes(new URL(u).protocol), { message: 'must use http:// or https://' });

const webhookSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _'),
    // A Slack incoming-webhook URL is itself a credential, so the URL may be a reference too.
    url: z.union([httpUrl, secretRefSchema]),
    secret: secretRefSchema.optional(),
    events: z
      .array(z.enum(webhookEvents))
      .min(1)
      .default([...webhookEvents]),
    format: z.enum(webhookFormats).default('standard'),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.format === 'standard' && !w.secret)
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'a standard webhook needs a signing secret reference',
      });
  });

const slackSchema = z
  .object({
    signingSecret: secretRefSchema,
    users: z
      .record(
        z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'must be a Slack user id such as U024BE7LH'),
        z.object({ principalId: z.string().min(1), groups: z.array(z.string().min(1)).default([]) }).strict(),
      )
      .default({}),
    allowApprovals: z.boolean().default(false),
  })
  .strict();

export const approvalsSectionSchema = z
  .object({
    publicUrl: httpUrl.optional(),
    webhooks: z.array(webhookSchema).default([]),
    slack: slackSchema.optional(),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(20).default(8),
        baseDelayMs: z.number().int().min(10).max(600_000).default(1000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.webhooks.forEach((w, i) => {
      if (seen.has(w.name))
        ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `duplicate webhook ${w.name}` });
      seen.add(w.name);
    });
  });

export interface WebhookTarget {
  name: string;
  url: string;
  /** The Standard Webhooks signing secret (`whsec_` + base64); optional only for the slack format. */
  secret?: string;
  events: WebhookEvent[];
  format: WebhookFormat;
}

export interface SlackUser {
  principalId: string;
  groups: string[];
}

/** The approval service's own settings, validated and with every secret reference resolved. */
export interface ApprovalSettings {
  publicUrl: string;
  webhooks: WebhookTarget[];
  slack?: { signingSecret: string; users: Record<string, SlackUser>; allowApprovals: boolean };
  retry: { maxAttempts: number; baseDelayMs: number };
}

const MIN_SECRET_BYTES = 24;

/**
 * Validates the `approvals` section (libs/config keeps it opaque) and resolves its secrets. Every
 * problem names file:line:col and the key, never a secret's value; all of them are reported at once.
 */
export function loadApprovalSettings(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): ApprovalSettings {
  const at = (path: ReadonlyArray<string | number>) =>
    `${positionOf(loaded.document, loaded.lineCounter, ['approvals', ...path], loaded.path)}: ${formatKeyPath(['approvals', ...path])}`;
  const parsed = approvalsSectionSchema.safeParse(loaded.config.approvals);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${at(i.path)}: ${describe(i)}`));
  const section = parsed.data;
  const problems: string[] = [];
  const secret = (ref: SecretRef, path: Array<string | number>): string | undefined => {
    try {
      return resolveSecret(ref, formatKeyPath(['approvals', ...path]), env);
    } catch (err) {
      if (!(err instanceof SecretResolutionError)) throw err;
      problems.push(
        `${positionOf(loaded.document, loaded.lineCounter, ['approvals', ...path], loaded.path)}: ${err.message}`,
      );
      return undefined;
    }
  };

  const webhooks = section.webhooks.map((w, i): WebhookTarget => {
    const url = typeof w.url === 'string' ? w.url : secret(w.url, ['webhooks', i, 'url']);
    if (url !== undefined && typeof w.url !== 'string' && !httpUrl.safeParse(url).success)
      problems.push(`${at(['webhooks', i, 'url'])}: the referenced value is not an http(s) URL`);
    const signing = w.secret ? secret(w.secret, ['webhooks', i, 'secret']) : undefined;
    if (signing !== undefined && !isSigningSecret(signing))
      problems.push(
        `${at(['webhooks', i, 'secret'])}: must be a Standard Webhooks secret: whsec_ followed by base64 of at least ${MIN_SECRET_BYTES} bytes`,
      );
    return { name: w.name, url: url ?? '', secret: signing, events: w.events, format: w.format };
  });
  const slack = section.slack && {
    signingSecret: secret(section.slack.signingSecret, ['slack', 'signingSecret']) ?? '',
    users: section.slack.users,
    allowApprovals: section.slack.allowApprovals,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl = (section.publicUrl ?? `http://127.0.0.1:${loaded.config.services.approval.httpPort}`).replace(
    /\/+$/,
    '',
  );
  return { publicUrl, webhooks, slack, retry: section.retry };
}

function describe(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_union') {
    const ref = 'a secret reference ({ env: NAME } or { file: PATH })';
    return issue.path[issue.path.length - 1] === 'url'
      ? `must be an http(s) URL or ${ref}`
      : `must be ${ref}, never the secret itself`;
  }
  return issue.message;
}

function isSigningSecret(value: string): boolean {
  const b64 = value.startsWith('whsec_') ? value.slice('whsec_'.length) : value;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || Buffer.from(b64, 'base64').length < MIN_SECRET_BYTES) return false;
  try {
    new Webhook(value);
    return true;
  } catch {
    return false;
  }
}
