import { z } from 'zod';

const names = z.array(z.string().min(1)).min(1);

/** Who a rule applies to. Every listed condition must hold; within a list, any entry may match. */
export const principalSelectorSchema = z
  .object({
    kinds: z
      .array(z.enum(['agent', 'human']))
      .min(1)
      .optional(),
    groups: names.optional(),
    ids: names.optional(),
    roles: names.optional(),
    appIds: names.optional(),
    providers: names.optional(),
  })
  .strict();

export const connectionSelectorSchema = z
  .object({
    names: names.optional(),
    tags: names.optional(),
    types: z
      .array(z.enum(['postgres', 'ssh', 'http', 'k8s']))
      .min(1)
      .optional(),
  })
  .strict();

export const sqlConditionSchema = z
  .object({
    /** Matches a statement that performs any of these commands anywhere, nested ones included. */
    commands: names.optional(),
    /** Matches a statement all of whose commands are in this list. */
    onlyCommands: names.optional(),
    categories: names.optional(),
    /** Matches a statement touching any of these relations (globs on schema.table). */
    relations: names.optional(),
    onlyRelations: names.optional(),
    functions: names.optional(),
    dangerousFunctions: z.boolean().optional(),
    dynamic: z.boolean().optional(),
    /** UPDATE/DELETE with no WHERE, or one that is always true. */
    unboundedWrite: z.boolean().optional(),
    copyProgram: z.boolean().optional(),
    /** COPY's direction: `to` sends table data out (to the client, a file or a program), `from` loads it. */
    copyDirection: z.enum(['from', 'to']).optional(),
    setsRole: z.boolean().optional(),
  })
  .strict();

export const shellConditionSchema = z
  .object({
    programs: names.optional(),
    /** With `programs`: the command also carries all of these flags (combined short flags understood). */
    flags: names.optional(),
    argsInclude: names.optional(),
    onlyPrograms: names.optional(),
    dynamic: z.boolean().optional(),
  })
  .strict();

export const k8sConditionSchema = z
  .object({
    verbs: names.optional(),
    resources: names.optional(),
    subresources: names.optional(),
    namespaces: names.optional(),
    execLike: z.boolean().optional(),
  })
  .strict();

export const httpConditionSchema = z
  .object({
    methods: names.optional(),
    paths: names.optional(),
  })
  .strict();

export const mcpConditionSchema = z.object({ tools: names.optional() }).strict();

export const execModeConditionSchema = z.array(z.enum(['exec', 'shell', 'subsystem', 'forward'])).min(1);

export const maskingSpecSchema = z
  .object({
    column: z.string().optional(),
    jsonPath: z.string().optional(),
    detector: z
      .enum(['email', 'phone', 'payment_card', 'iban', 'us_ssn', 'jwt', 'cloud_key', 'private_key'])
      .optional(),
    strategy: z.enum(['redact', 'partial', 'hash']).default('redact'),
  })
  .strict()
  .refine((m) => [m.column, m.jsonPath, m.detector].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of column, jsonPath or detector',
  });

export const approvalSpecSchema = z
  .object({
    approverGroups: names,
    minApprovals: z.number().int().min(1).max(10).default(1),
    mode: z.enum(['hold', 'async']).default('hold'),
    grant: z.enum(['once', 'window']).default('once'),
    windowSeconds: z.number().int().positive().max(86400).optional(),
    timeoutSeconds: z
      .number()
      .int()
      .positive()
      .max(7 * 86400)
      .default(300),
  })
  .strict()
  .refine((a) => a.grant !== 'window' || a.windowSeconds !== undefined, {
    message: 'a window grant needs windowSeconds',
  });

export const actionKinds = ['connect', 'sql', 'exec', 'k8s', 'http', 'mcp'] as const;

const ruleBase = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be letters, digits, . _ : -'),
    description: z.string().optional(),
    effect: z.enum(['allow', 'deny', 'approval']),
    reason: z.string().optional(),
    principals: principalSelectorSchema.default({}),
    connections: connectionSelectorSchema.default({}),
    actions: z.array(z.enum(actionKinds)).min(1),
    sql: sqlConditionSchema.optional(),
    shell: shellConditionSchema.optional(),
    execModes: execModeConditionSchema.optional(),
    k8s: k8sConditionSchema.optional(),
    http: httpConditionSchema.optional(),
    mcp: mcpConditionSchema.optional(),
    approval: approvalSpecSchema.optional(),
    masking: z.array(maskingSpecSchema).optional(),
  })
  .strict();

export const ruleSchema = ruleBase.superRefine((r, ctx) => {
  checkConditionKinds(r, ctx);
  if (r.effect === 'approval' && !r.approval)
    ctx.addIssue({ code: 'custom', path: ['approval'], message: 'an approval rule needs approval terms' });
  if (r.effect !== 'approval' && r.approval)
    ctx.addIssue({
      code: 'custom',
      path: ['approval'],
      message: `only approval rules take approval terms (effect is ${r.effect})`,
    });
  if (r.effect === 'deny' && r.masking)
    ctx.addIssue({ code: 'custom', path: ['masking'], message: 'a deny rule returns nothing to mask' });
});

/** Which action kinds each command condition applies to. */
const conditionKinds = {
  sql: ['sql'],
  shell: ['exec', 'k8s'],
  execModes: ['exec'],
  k8s: ['k8s'],
  http: ['http'],
  mcp: ['mcp'],
} as const;

/**
 * A rule with command conditions may list only action kinds those conditions describe. Otherwise
 * `actions: [sql, exec]` with only a `shell` condition would match every SQL statement: an allow rule
 * written for shell would silently allow all SQL.
 */
function checkConditionKinds(r: z.infer<typeof ruleBase>, ctx: z.RefinementCtx): void {
  const present = (Object.keys(conditionKinds) as Array<keyof typeof conditionKinds>).filter((k) => r[k] !== undefined);
  if (present.length === 0) return;
  for (const cond of present) {
    if (!conditionKinds[cond].some((k) => r.actions.includes(k))) {
      ctx.addIssue({
        code: 'custom',
        path: [cond],
        message: `${cond} conditions apply to ${conditionKinds[cond].join(' or ')} actions, which this rule does not list`,
      });
    }
  }
  for (const kind of r.actions) {
    const covered = present.some((cond) => (conditionKinds[cond] as readonly string[]).includes(kind));
    if (!covered) {
      ctx.addIssue({
        code: 'custom',
        path: ['actions'],
        message: `${kind} actions have no condition in this rule, so it would match every ${kind}: put them in a rule of their own`,
      });
    }
  }
}

export type PolicyRule = z.output<typeof ruleSchema>;
export type SqlCondition = z.output<typeof sqlConditionSchema>;
export type ShellCondition = z.output<typeof shellConditionSchema>;
export type K8sCondition = z.output<typeof k8sConditionSchema>;
export type HttpCondition = z.output<typeof httpConditionSchema>;
export type MaskingSpec = z.output<typeof maskingSpecSchema>;
