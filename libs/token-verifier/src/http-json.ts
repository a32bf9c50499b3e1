export interface FetchJsonOptions {
  timeoutMs: number;
  maxBytes: number;
}

export class HttpJsonError extends Error {
  override readonly name = 'HttpJsonError';
}

/**
 * GET/POST returning parsed JSON, bounded in time and size so a slow or
 * hostile endpoint cannot stall verification or exhaust memory. Redirects
 * are refused: the configured URL is the trusted one, not where it points.
 */
export async function fetchJson(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  opts: FetchJsonOptions,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (err) {
    throw new HttpJsonError(`request failed: ${(err as Error).name}`);
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new HttpJsonError(`unexpected HTTP status ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new HttpJsonError('response too large');
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new HttpJsonError(`reading response failed: ${(err as Error).name}`);
  }
  if (text.length > opts.maxBytes) throw new HttpJsonError('response too large');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpJsonError('response is not JSON');
  }
}
