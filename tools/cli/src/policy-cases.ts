import { readFileSync } from 'node:fs';
import { actionSchema, connectionTypes, type Action, type ConnectionRef, type Principal } from '@portcullis/contracts';
import { z } from 'zod';
import { parse } from 'yaml';

const principalSpec = z
  .object({
    id: z.string().default('test-principal'),
    kind: z.enum(['agent', 'human']).default('agent'),
    tenant: z.string().nullable().default(null),
    groups: z.array(z.string()).default([]),
    roles: z.array(z.string()).default([]),
    appId: z.string().nullable().default(null),
    provider: z.string().default('test'),
  })
  .strict();

const caseSpec = z
  .object({
    name: z.string().min(1),
    principal: z.string(),
    connection: z.string(),
    sql: z.string().optional(),
    shell: z.union([z.string(), z.array(z.string())]).optional(),
    action: actionSchema.optional(),
    expect: z.object({ effect: z.enum(['allow', 'deny', 'approval']), rules: z.array(z.string()).optional() }).strict(),
  })
  .strict()
  .refine((c) => [c.sql, c.shell, c.action].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of sql, shell or action',
  });

const fileSpec = z
  .object({
    principals: z.record(principalSpec),
    connections: z.record(z.object({ type: z.enum(connectionTypes), tags: z.array(z.string()).default([]) }).strict()),
    cases: z.array(caseSpec).min(1),
  })
  .strict();

export interface PolicyCase {
  name: string;
  principal: Principal;
  connection: ConnectionRef;
  action: Action;
  expect: { effect: 'allow' | 'deny' | 'approval'; rules?: string[] };
}

/**
 * Reads a policy test file: named principals and connections, then cases of input → expected effect
 * (and rule ids). Group names in principals are matched like the friendly names the identity service
 * gives, so tests read like the policy.
 */
export function readPolicyCases(path: string): PolicyCase[] {
  const parsed = fileSpec.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${path}: ${i?.path.join('.') || '(top level)'}: ${i?.message}`);
  }
  const { principals, connections, cases } = parsed.data;
  return cases.map((c, idx) => {
    const p = principals[c.principal];
    const conn = connections[c.connection];
    if (!p) throw new Error(`${path}: cases.${idx}.principal: no principal named ${c.principal}`);
    if (!conn) throw new Error(`${path}: cases.${idx}.connection: no connection named ${c.connection}`);
    const action: Action =
      c.action ??
      (c.sql !== undefined
        ? { kind: 'sql', sql: c.sql }
        : Array.isArray(c.shell)
          ? { kind: 'exec', argv: c.shell, mode: 'exec' }
          : { kind: 'exec', command: c.shell ?? '', mode: 'exec' });
    return {
      name: c.name,
      principal: {
        id: p.id,
        tenant: p.tenant,
        kind: p.kind,
        displayName: c.principal,
        groups: p.groups,
        groupNames: p.groups,
        roles: p.roles,
        appId: p.appId,
        issuer: 'policy-test',
        provider: p.provider,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        tokenId: null,
      },
      connection: { name: c.connection, type: conn.type, tags: conn.tags },
      action,
      expect: c.expect,
    };
  });
}
