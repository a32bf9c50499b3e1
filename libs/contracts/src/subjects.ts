import type { z } from 'zod';
import {
  checkSuspensionsRequestSchema,
  checkSuspensionsResponseSchema,
  verifyRequestSchema,
  verifyResponseSchema,
  principalSuspendedSchema,
} from './identity';
import {
  approvalDecidedSchema,
  approvalRequestSchema,
  approvalStatusRequestSchema,
  approvalTicketSchema,
  consumeGrantSchema,
  grantVerdictSchema,
} from './approval';
import { decideRequestSchema, decisionSchema, policyReloadedSchema } from './policy';

/**
 * Request/reply subjects: each ties a request schema to its response schema, so a sender can never put
 * the wrong payload on a subject and a handler can never answer with the wrong shape. A published
 * subject never changes; a new version gets a new subject.
 */
export const requestContracts = {
  'identity.v1.verify': { request: verifyRequestSchema, response: verifyResponseSchema, service: 'identity' },
  'identity.v1.check-suspensions': {
    request: checkSuspensionsRequestSchema,
    response: checkSuspensionsResponseSchema,
    service: 'identity',
  },
  'policy.v1.decide': { request: decideRequestSchema, response: decisionSchema, service: 'policy' },
  'approval.v1.request': { request: approvalRequestSchema, response: approvalTicketSchema, service: 'approval' },
  'approval.v1.consume-grant': { request: consumeGrantSchema, response: grantVerdictSchema, service: 'approval' },
  'approval.v1.status': { request: approvalStatusRequestSchema, response: approvalTicketSchema, service: 'approval' },
} as const;

/** Fan-out events: every subscriber (every replica) receives each one. */
export const eventContracts = {
  'identity.v1.principal-suspended': { payload: principalSuspendedSchema },
  'policy.v1.reloaded': { payload: policyReloadedSchema },
  'approval.v1.decided': { payload: approvalDecidedSchema },
} as const;

export type RequestSubject = keyof typeof requestContracts;
export type RequestOf<S extends RequestSubject> = z.input<(typeof requestContracts)[S]['request']>;
export type ParsedRequestOf<S extends RequestSubject> = z.output<(typeof requestContracts)[S]['request']>;
export type ResponseOf<S extends RequestSubject> = z.output<(typeof requestContracts)[S]['response']>;

export type EventSubject = keyof typeof eventContracts;
export type EventOf<S extends EventSubject> = z.output<(typeof eventContracts)[S]['payload']>;

export const serviceNames = ['identity', 'broker', 'policy', 'approval', 'audit'] as const;
export type ServiceName = (typeof serviceNames)[number];
