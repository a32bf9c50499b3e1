import { type AstObject, asArray, asString, isObject, nodeOfType } from './ast';
import { isRoleSetting } from './functions';
import { objectTypeName } from './names';
import type { SqlCategory } from './types';

const CATEGORY: Readonly<Record<string, SqlCategory>> = {
  SelectStmt: 'read',
  VariableShowStmt: 'read',
  FetchStmt: 'read',
  ExplainStmt: 'read',
  InsertStmt: 'write',
  UpdateStmt: 'write',
  DeleteStmt: 'write',
  MergeStmt: 'write',
  TruncateStmt: 'write',
  LockStmt: 'write',
  CallStmt: 'write',
  RefreshMatViewStmt: 'write',
  CopyStmt: 'copy',
  TransactionStmt: 'transaction',
  ConstraintsSetStmt: 'transaction',
  VariableSetStmt: 'session',
  DiscardStmt: 'session',
  DoStmt: 'dynamic',
  PrepareStmt: 'utility',
  ExecuteStmt: 'utility',
  DeallocateStmt: 'utility',
  DeclareCursorStmt: 'utility',
  ClosePortalStmt: 'utility',
  ListenStmt: 'utility',
  UnlistenStmt: 'utility',
  NotifyStmt: 'utility',
  LoadStmt: 'utility',
  CheckPointStmt: 'utility',
  VacuumStmt: 'utility',
  ClusterStmt: 'utility',
  ReindexStmt: 'utility',
  GrantStmt: 'dcl',
  GrantRoleStmt: 'dcl',
  AlterDefaultPrivilegesStmt: 'dcl',
  CreateRoleStmt: 'dcl',
  AlterRoleStmt: 'dcl',
  AlterRoleSetStmt: 'dcl',
  DropRoleStmt: 'dcl',
  DropOwnedStmt: 'dcl',
  ReassignOwnedStmt: 'dcl',
  CreatePolicyStmt: 'dcl',
  AlterPolicyStmt: 'dcl',
  SecLabelStmt: 'dcl',
  AlterOwnerStmt: 'dcl',
  CreateUserMappingStmt: 'dcl',
  AlterUserMappingStmt: 'dcl',
  DropUserMappingStmt: 'dcl',
};

/** Unknown statement kinds are DDL: the strictest class that still names them. */
export function baseCategory(kind: string): SqlCategory {
  return CATEGORY[kind] ?? 'ddl';
}

const VERB: Readonly<Record<string, string>> = {
  SelectStmt: 'select',
  InsertStmt: 'insert',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  TruncateStmt: 'truncate',
  LockStmt: 'lock',
  CallStmt: 'call',
  RefreshMatViewStmt: 'refresh',
  CopyStmt: 'copy',
  VariableShowStmt: 'show',
  DiscardStmt: 'discard',
  ConstraintsSetStmt: 'set',
  DoStmt: 'do',
  ExplainStmt: 'explain',
  PrepareStmt: 'prepare',
  ExecuteStmt: 'execute',
  DeallocateStmt: 'deallocate',
  DeclareCursorStmt: 'declare',
  ClosePortalStmt: 'close',
  ListenStmt: 'listen',
  UnlistenStmt: 'unlisten',
  NotifyStmt: 'notify',
  LoadStmt: 'load',
  CheckPointStmt: 'checkpoint',
  ClusterStmt: 'cluster',
  ReindexStmt: 'reindex',
  CommentStmt: 'comment',
  SecLabelStmt: 'security_label',
  RenameStmt: 'alter',
  ImportForeignSchemaStmt: 'import',
  ReassignOwnedStmt: 'reassign',
  DropOwnedStmt: 'drop',
  DropdbStmt: 'drop',
  CreatedbStmt: 'create',
  DefineStmt: 'create',
  CompositeTypeStmt: 'create',
  IndexStmt: 'create',
  ViewStmt: 'create',
  RuleStmt: 'create',
  CreateTableAsStmt: 'create',
  ReplicaIdentityStmt: 'alter',
};

const TRANSACTION: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_SAVEPOINT: 'savepoint',
  TRANS_STMT_RELEASE: 'release',
  TRANS_STMT_ROLLBACK_TO: 'rollback_to',
  TRANS_STMT_PREPARE: 'prepare_transaction',
  TRANS_STMT_COMMIT_PREPARED: 'commit_prepared',
  TRANS_STMT_ROLLBACK_PREPARED: 'rollback_prepared',
};

export function transactionVerb(node: AstObject): string {
  return TRANSACTION[asString(node.kind) ?? ''] ?? 'transaction';
}

/** SET ROLE and SET SESSION AUTHORIZATION (and their RESETs) get their own verbs. */
export function setVerb(node: AstObject): string {
  const name = (asString(node.name) ?? '').toLowerCase();
  if (isRoleSetting(name)) return name === 'role' ? 'set_role' : 'set_session_authorization';
  const kind = asString(node.kind);
  return kind === 'VAR_RESET' || kind === 'VAR_RESET_ALL' ? 'reset' : 'set';
}

const MERGE_ACTION: Readonly<Record<string, string>> = {
  CMD_UPDATE: 'update',
  CMD_INSERT: 'insert',
  CMD_DELETE: 'delete',
};

function mergeVerbs(node: AstObject): string[] {
  const verbs = ['merge'];
  for (const clause of asArray(node.mergeWhenClauses)) {
    const action = MERGE_ACTION[asString(nodeOfType(clause, 'MergeWhenClause')?.commandType) ?? ''];
    if (action) verbs.push(action);
  }
  return verbs;
}

function insertVerbs(node: AstObject): string[] {
  const conflict = node.onConflictClause;
  return isObject(conflict) && conflict.action === 'ONCONFLICT_UPDATE' ? ['insert', 'update'] : ['insert'];
}

/** Verbs for one statement node (nested or top-level). */
export function verbsFor(kind: string, node: AstObject): string[] {
  switch (kind) {
    case 'InsertStmt':
      return insertVerbs(node);
    case 'MergeStmt':
      return mergeVerbs(node);
    case 'TransactionStmt':
      return [transactionVerb(node)];
    case 'VariableSetStmt':
      return [setVerb(node)];
    case 'GrantStmt':
    case 'GrantRoleStmt':
      return [node.is_grant === true ? 'grant' : 'revoke'];
    case 'FetchStmt':
      return [node.ismove === true ? 'move' : 'fetch'];
    case 'VacuumStmt':
      return [node.is_vacuumcmd === true ? 'vacuum' : 'analyze'];
  }
  const verb = VERB[kind];
  if (verb) return [verb];
  const prefix = /^(Create|Alter|Drop)/.exec(kind);
  if (prefix) return [prefix[1].toLowerCase()];
  return [
    kind
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase(),
  ];
}

const OBJECT_TYPE: Readonly<Record<string, string>> = {
  CreateStmt: 'table',
  ViewStmt: 'view',
  IndexStmt: 'index',
  CreateSchemaStmt: 'schema',
  CreateRoleStmt: 'role',
  AlterRoleStmt: 'role',
  AlterRoleSetStmt: 'role',
  DropRoleStmt: 'role',
  GrantRoleStmt: 'role',
  CreatedbStmt: 'database',
  DropdbStmt: 'database',
  AlterDatabaseStmt: 'database',
  AlterDatabaseSetStmt: 'database',
  AlterDatabaseRefreshCollStmt: 'database',
  CreateExtensionStmt: 'extension',
  AlterExtensionStmt: 'extension',
  AlterExtensionContentsStmt: 'extension',
  CreateTrigStmt: 'trigger',
  CreateEventTrigStmt: 'event_trigger',
  AlterEventTrigStmt: 'event_trigger',
  RuleStmt: 'rule',
  CreateSeqStmt: 'sequence',
  AlterSeqStmt: 'sequence',
  CreatePolicyStmt: 'policy',
  AlterPolicyStmt: 'policy',
  AlterSystemStmt: 'system',
  CreateTableSpaceStmt: 'tablespace',
  DropTableSpaceStmt: 'tablespace',
  CreateForeignTableStmt: 'foreign_table',
  ImportForeignSchemaStmt: 'foreign_table',
  CreateForeignServerStmt: 'foreign_server',
  AlterForeignServerStmt: 'foreign_server',
  CreateFdwStmt: 'fdw',
  AlterFdwStmt: 'fdw',
  CreateUserMappingStmt: 'user_mapping',
  AlterUserMappingStmt: 'user_mapping',
  DropUserMappingStmt: 'user_mapping',
  CreatePublicationStmt: 'publication',
  AlterPublicationStmt: 'publication',
  CreateSubscriptionStmt: 'subscription',
  AlterSubscriptionStmt: 'subscription',
  DropSubscriptionStmt: 'subscription',
  CreateDomainStmt: 'domain',
  CompositeTypeStmt: 'type',
  CreateEnumStmt: 'type',
  CreateRangeStmt: 'type',
  AlterEnumStmt: 'type',
  CreateCastStmt: 'cast',
  CreatePLangStmt: 'language',
  CreateStatsStmt: 'statistic_ext',
  CreateConversionStmt: 'conversion',
  CreateTransformStmt: 'transform',
  CreateAmStmt: 'access_method',
  CreateOpClassStmt: 'opclass',
  CreateOpFamilyStmt: 'opfamily',
  AlterOpFamilyStmt: 'opfamily',
  AlterFunctionStmt: 'function',
  RefreshMatViewStmt: 'matview',
  TruncateStmt: 'table',
  LockStmt: 'table',
  AlterDefaultPrivilegesStmt: 'default_privileges',
};

// Fields that carry an ObjectType in the statements that have one.
const OBJECT_TYPE_FIELDS = ['removeType', 'renameType', 'objtype', 'objectType', 'kind'] as const;

export function objectTypeFor(kind: string, node: AstObject): string | undefined {
  if (kind === 'CreateFunctionStmt') return node.is_procedure === true ? 'procedure' : 'function';
  for (const field of OBJECT_TYPE_FIELDS) {
    const name = objectTypeName(node[field]);
    if (name) return name;
  }
  return OBJECT_TYPE[kind];
}
