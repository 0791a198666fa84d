import { HttpResponse } from 'msw';

/**
 * An error as Loki writes it: contracts.md 5.1, "plain text,
 * `Content-Type: text/plain; charset=utf-8` … not JSON". Loki writes them
 * with Go's `http.Error`, which also sets `X-Content-Type-Options: nosniff`
 * and ends the body with a newline [inf]; clients should trim it.
 */
export function plainTextError(status: number, message: string): Response {
  return new HttpResponse(`${message}\n`, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
    },
  });
}

/**
 * The `X-Scope-OrgID` header (contracts.md 5.1, 5.2 "Tenancy"), trimmed;
 * undefined when missing or empty.
 */
export function orgIdFrom(request: Request): string | undefined {
  const value = request.headers.get('x-scope-orgid')?.trim();
  return value ? value : undefined;
}

/** contracts.md 5.1: a missing header with auth enabled is 401 `no org id`. */
export const NO_ORG_ID = 'no org id';

/** JSON with the content type Loki and Tempo answer with. */
export function jsonReply(body: unknown, status = 200): Response {
  return new HttpResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}
