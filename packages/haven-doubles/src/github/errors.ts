/**
 * GitHub's error bodies. docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api
 * and the OpenAPI description's `basic-error` (`message`, `documentation_url`,
 * `status`) and `validation-error` (adds `errors[]` of `resource`, `field`,
 * `code`, `message`) schemas (node_modules/@octokit/openapi-types/types.d.ts).
 * github.com adds `status` as a string, e.g. `"404"`.
 */

import type { Json, JsonObject } from '../http/json';

export type { Json, JsonObject } from '../http/json';

/** What a route answers before it becomes an HTTP response. */
export interface GitHubReply {
  status: number;
  /** JSON body; a Buffer is sent as is (raw contents, archives) */
  body?: Json | Buffer;
  headers?: Record<string, string>;
}

/** Where the docs of the REST API live; routes add their page and anchor. */
export const DOCS = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'custom';
  field?: string;
  message?: string;
}

export function githubError(
  status: number,
  message: string,
  documentationUrl: string = DOCS,
  errors?: ValidationErrorItem[],
): GitHubReply {
  const body: JsonObject = { message };
  if (errors) body.errors = errors as unknown as Json;
  body.documentation_url = documentationUrl;
  body.status = String(status);
  return { status, body };
}

/** 401 for a token GitHub does not know (troubleshooting-the-rest-api, "Bad credentials"). */
export const badCredentials = (docs: string = DOCS) =>
  githubError(401, 'Bad credentials', docs);

/** 404: also what GitHub answers for a private repository the caller may not see. */
export const notFound = (docs: string = DOCS, message = 'Not Found') =>
  githubError(404, message, docs);

/** 422 `Validation Failed` with `errors[]` (OpenAPI `validation-error`). */
export const validationFailed = (docs: string, errors: ValidationErrorItem[]) =>
  githubError(422, 'Validation Failed', docs, errors);

/**
 * 422 for a body that does not match the operation's schema. github.com
 * words it `Invalid request.\n\n"<field>" wasn't supplied.` for a missing
 * required field.
 */
export const missingField = (docs: string, field: string) =>
  githubError(422, `Invalid request.\n\n"${field}" wasn't supplied.`, docs);

/** 400 for a body that is not JSON (github.com: "Problems parsing JSON"). */
export const problemsParsingJson = (docs: string) =>
  githubError(400, 'Problems parsing JSON', docs);

/**
 * Messages for the statuses faults usually stand for. 429 / 403 with
 * `x-ratelimit-remaining: 0` are GitHub's rate limit answers ("Rate limits
 * for the REST API"); 5xx bodies are what github.com sends for an outage.
 */
export const GITHUB_FAULT_MESSAGES: Record<number, string> = {
  403: 'API rate limit exceeded for user ID 1.',
  429: 'API rate limit exceeded for user ID 1.',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
  504: 'We couldn’t respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.',
};
