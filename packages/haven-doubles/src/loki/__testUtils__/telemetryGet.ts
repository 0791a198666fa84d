/** A Loki or Tempo answer as the tests read it. */
export interface TelemetryAnswer {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * A GET of `path` with query `params` against a Loki or Tempo (a double or
 * a real one), as the tenant `tenant` (`X-Scope-OrgID`; none when not a
 * string). The tests of the doubles and of the sandbox's Loki and Tempo
 * use it.
 */
export async function getTelemetry(
  base: string,
  path: string,
  params: Record<string, string | number | bigint> = {},
  tenant?: string | null,
  headers: Record<string, string> = {},
): Promise<TelemetryAnswer> {
  const qs = new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, String(v)]),
  ).toString();
  const res = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
    headers: {
      ...headers,
      ...(typeof tenant === 'string' ? { 'X-Scope-OrgID': tenant } : {}),
    },
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    text,
    body,
  };
}
