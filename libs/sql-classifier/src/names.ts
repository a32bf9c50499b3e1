import { type AstObject, asString, stringList } from './ast';

const SIMPLE_IDENTIFIER = /^[a-z_][a-z0-9_$]*$/;

/**
 * Canonical rendering of one identifier after the parser's case folding: bare when it is a
 * simple lower-case name, otherwise double-quoted. So `"PUBLIC"."Users"` stays distinct from
 * `public.users`, and a table literally named "public.users" cannot pass for schema public.
 */
export function renderIdentifier(name: string): string {
  return SIMPLE_IDENTIFIER.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function renderQualifiedName(parts: readonly string[]): string {
  return parts.map(renderIdentifier).join('.');
}

/** RangeVar → 'schema.table' / 'table' (search_path is deliberately not applied). */
export function relationName(rangeVar: AstObject): { name: string; qualified: boolean } | undefined {
  const relname = asString(rangeVar.relname);
  if (relname === undefined) return undefined;
  const parts = [asString(rangeVar.catalogname), asString(rangeVar.schemaname), relname].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  return { name: renderQualifiedName(parts), qualified: parts.length > 1 };
}

/** Function names: 'pg_catalog.pg_read_file' and 'pg_read_file' are the same function. */
export function functionName(funcname: unknown): { name: string; base: string; schema?: string } | undefined {
  const parts = stringList(funcname);
  if (!parts) return undefined;
  const base = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const canonical = schema === 'pg_catalog' && parts.length === 2 ? [base] : parts;
  return { name: renderQualifiedName(canonical), base, schema };
}

/** 'OBJECT_FOREIGN_TABLE' → 'foreign_table'. */
export function objectTypeName(value: unknown): string | undefined {
  const s = asString(value);
  return s?.startsWith('OBJECT_') ? s.slice('OBJECT_'.length).toLowerCase() : undefined;
}

// Object types whose name is a relation, and those named "<relation>.<sub-object>".
const RELATION_OBJECTS = new Set(['table', 'view', 'matview', 'index', 'sequence', 'foreign_table']);
const RELATION_SUB_OBJECTS = new Set(['column', 'trigger', 'rule', 'policy', 'tabconstraint']);

/** DROP / COMMENT / SECURITY LABEL object names (lists of String) → the relation they affect. */
export function relationOfObjectName(
  objectType: string | undefined,
  object: unknown,
): { name: string; qualified: boolean } | undefined {
  if (objectType === undefined) return undefined;
  const parts = stringList(object);
  if (!parts) return undefined;
  let relation: string[] | undefined;
  if (RELATION_OBJECTS.has(objectType)) relation = parts;
  else if (RELATION_SUB_OBJECTS.has(objectType) && parts.length > 1) relation = parts.slice(0, -1);
  return relation ? { name: renderQualifiedName(relation), qualified: relation.length > 1 } : undefined;
}
