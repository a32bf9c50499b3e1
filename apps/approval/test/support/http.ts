export interface HttpAnswer {
  status: number;
  contentType: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A client of the approval HTTP API, with or without a bearer token. */
export function approvalApi(port: number) {
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<HttpAnswer> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (the docs page): keep the text
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
  };
  return {
    base,
    call,
    get: (id: string, token?: string) => call('GET', `/v1/approvals/${id}`, token),
    inbox: (token: string, query = '') => call('GET', `/v1/approvals${query}`, token),
    decide: (id: string, token: string | undefined, body: unknown) =>
      call('POST', `/v1/approvals/${id}/decision`, token, body),
    cancel: (id: string, token: string, body: unknown = {}) => call('POST', `/v1/approvals/${id}/cancel`, token, body),
  };
}
export type ApprovalApi = ReturnType<typeof approvalApi>;
