/** One simple command that would run, after unwrapping wrappers such as sudo, env or `sh -c`. */
export interface ShellCommand {
  /** The argv after quote removal and brace expansion; dynamic words are rendered as `${NAME}` / `$(…)`. */
  argv: string[];
  /** Basename of argv[0]: '/bin/rm' → 'rm'. */
  program: string;
  /** Wrappers that led here, outermost first, e.g. ['sudo', 'env', 'sh -c']. */
  via: string[];
  /** True when some word's runtime value cannot be known statically (variables, globs, xargs input, find's `{}`). */
  dynamicParts: boolean;
}

export interface ShellRedirect {
  /** Operator with its fd prefix when given: '>', '>>', '>|', '2>', '&>', '&>>', '<>'. */
  op: string;
  target: string;
}

export interface ShellClassification {
  ok: boolean;
  error?: string;
  commands: ShellCommand[];
  /** Code whose meaning is only known at run time (eval, `curl | sh`, `python -c`, `$CMD` …): policy should not allow it on argv alone. */
  dynamic: boolean;
  /** Why `dynamic` is set, for the decision explanation and the audit trail. */
  dynamicReasons: string[];
  /** File writes. */
  redirects: ShellRedirect[];
  /** sha256 hex of a canonical rendering: equal for inputs that differ only in whitespace, comments or quoting. */
  fingerprint: string;
}

export interface CommandPattern {
  program: string | string[];
  /** Every flag must be present; short letters ('r') or long names ('recursive'). */
  flags?: string[];
  /** Every listed argument must appear (paths compared after lexical normalisation). */
  argsInclude?: string[];
}

export interface K8sRequestInfo {
  ok: boolean;
  error?: string;
  /** get list watch create update patch delete deletecollection, 'connect' for exec/attach/portforward/proxy; lower-case HTTP method for non-resource paths. */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  isExecLike: boolean;
  /** Every `command` query parameter, in order. */
  execCommand?: string[];
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  nonResource?: boolean;
  /** The normalised path the decision was made on; the broker must forward this one, not the raw one. */
  path?: string;
}

export interface NormalizedHttpRequest {
  ok: boolean;
  error?: string;
  method: string;
  path: string;
  query: Record<string, string[]>;
}
