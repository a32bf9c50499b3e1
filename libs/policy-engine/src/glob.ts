const cache = new Map<string, RegExp>();

/**
 * Shell-style globs for names and paths: `*` matches within one segment (no `.` for relations, no `/`
 * for paths is not enforced here: callers pick the separator), `**` matches anything.
 */
export function globMatch(pattern: string, value: string, separator = ''): boolean {
  const key = `${separator}\u0000${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const sepClass = separator === '' ? '' : separator.replace(/[\\\]^-]/g, '\\$&');
    const one = separator === '' ? '.*' : `[^${sepClass}]*`;
    const body = pattern
      .split('**')
      .map((part) =>
        part
          .split('*')
          .map((lit) => lit.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join(one),
      )
      .join('.*');
    re = new RegExp(`^${body}$`, 's');
    if (cache.size > 10000) cache.clear();
    cache.set(key, re);
  }
  return re.test(value);
}
