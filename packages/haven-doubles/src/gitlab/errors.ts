/**
 * GitLab's error bodies and status codes (docs.gitlab.com/api/rest/troubleshooting,
 * "Status codes"): a JSON object with `message` (a string such as
 * `404 Project Not Found`, or an array/object of validation messages), or
 * with `error` for a parameter the API's schema refuses (`branch is missing`).
 */

import type { Json } from '../http/json';

export type { Json, JsonObject } from '../http/json';

/** What a route answers before it becomes an HTTP response. */
export interface GitLabReply {
  status: number;
  /** JSON body; a Buffer is sent as is (raw files, archives) */
  body?: Json | Buffer;
  headers?: Record<string, string>;
}

export function gitlabError(
  status: number,
  message: Json,
  key: 'message' | 'error' = 'message',
): GitLabReply {
  return { status, body: { [key]: message } };
}

/** 401 for a missing or unknown token ("401 Unauthorized: the user isn't authenticated"). */
export const unauthorized = () => gitlabError(401, '401 Unauthorized');

/** 404 with GitLab's `404 <Thing> Not Found` message, e.g. `404 Project Not Found`. */
export const notFound = (thing?: string) =>
  gitlabError(404, thing ? `404 ${thing} Not Found` : '404 Not Found');

/** 400 for a parameter the endpoint requires (Grape's `<param> is missing`). */
export const missingParam = (param: string) =>
  gitlabError(400, `${param} is missing`, 'error');

/** 400 for a body that is not JSON (the double's wording; GitLab's parser answers 400 too). */
export const badJson = () =>
  gitlabError(400, '400 Bad request - body is not JSON');

/** 405 for a method the route does not take, and for merging a merge request that is not open. */
export const methodNotAllowed = () =>
  gitlabError(405, '405 Method Not Allowed');

/**
 * Messages for the statuses faults usually stand for. GitLab's rate limit
 * answers 429 with the plain text `Retry later` (docs.gitlab.com/security/rate_limits,
 * "Rate limits"); the double sends it as the JSON message.
 */
export const GITLAB_FAULT_MESSAGES: Record<number, string> = {
  403: '403 Forbidden',
  429: 'Retry later',
  500: '500 Internal Server Error',
  502: '502 Bad Gateway',
  503: '503 Service Unavailable',
  504: '504 Gateway Timeout',
};
