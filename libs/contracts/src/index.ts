export { principalSchema, principalKinds, channelSchema, channels } from './principal';
export type { Principal, Channel } from './principal';
export {
  verifyRequestSchema,
  verifyResponseSchema,
  principalSuspendedSchema,
  tokenRejectReasons,
  MAX_TOKEN_BYTES,
} from './identity';
export type {
  CheckSuspensionsRequest,
  CheckSuspensionsResponse,
  VerifyRequest,
  VerifyResponse,
  PrincipalSuspended,
  TokenRejectReason,
} from './identity';
export {
  actionSchema,
  connectionRefSchema,
  connectionTypes,
  decideRequestSchema,
  decisionSchema,
  effects,
  NO_MATCH_RULE,
  UNPARSEABLE_RULE,
  approvalTermsSchema,
  maskingRuleSchema,
  policyReloadedSchema,
} from './policy';
export type {
  Action,
  ActionKind,
  ConnectionRef,
  DecideRequest,
  Decision,
  Effect,
  ApprovalTerms,
  MaskingRule,
  PolicyReloaded,
} from './policy';
export {
  AUDIT_STREAM,
  AUDIT_SUBJECT_PREFIX,
  AUDIT_RECORDING_MAX_CHUNK_BYTES,
  auditSubjectFor,
  auditStreamFor,
  auditEventSchema,
  auditEventTypes,
  recordingChunkSchema,
} from './audit';
export type { AuditEvent, AuditEventType, RecordingChunk, RecordingKind } from './audit';
export { requestContracts, eventContracts, serviceNames } from './subjects';
export type {
  RequestSubject,
  RequestOf,
  ParsedRequestOf,
  ResponseOf,
  EventSubject,
  EventOf,
  ServiceName,
} from './subjects';
export {
  approvalStatuses,
  approvalRequestSchema,
  approvalStatusRequestSchema,
  approvalTicketSchema,
  consumeGrantSchema,
  grantVerdictSchema,
  approvalDecidedSchema,
} from './approval';
export type {
  ApprovalStatus,
  ApprovalRequest,
  ApprovalTicket,
  ConsumeGrant,
  GrantVerdict,
  ApprovalDecided,
} from './approval';
