import { InputError } from '@backstage/errors';

/*
 * String literals and small validators shared by the LogQL, TraceQL and
 * PromQL builders.
 *
 * All three languages read double-quoted strings the way Go does: their
 * lexers hand the literal to Go's `strconv.Unquote`. This is an assumption
 * [inf]; shared/reference/contracts.md 5.1 and 5.2 do not describe string
 * escaping. The rules relied on:
 * - `\\` and `\"` stand for `\` and `"`; a bare `"` ends the string.
 * - A raw newline inside a double-quoted string is a syntax error, so
 *   newlines and every other control character are written as escapes.
 * - `\uXXXX` stands for one Unicode code point, and must not be a surrogate.
 *
 * Whatever the value holds, it stays inside the one string literal made for
 * it, so it can never add a matcher, a pipeline stage or a second selector.
 */

/** A lone UTF-16 surrogate: it has no UTF-8 form, so Go cannot read it. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Characters written as escapes: C0 and C1 controls, DEL, line separators. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const SHORT_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * What each one-character escape of a Go double-quoted string stands for:
 * `\a \b \f \n \r \t \v \\ \"` (The Go Programming Language
 * Specification, "Rune literals", https://go.dev/ref/spec#Rune_literals;
 * `\'` is valid only in rune literals). The one table of the readers of Go
 * strings: LogQL stream selectors here, Alloy configuration in haven-node.
 * @public
 */
export const GO_SIMPLE_ESCAPES: Readonly<Record<string, string>> =
  Object.freeze({
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
    '"': '"',
  });

/**
 * Whether a number is a Unicode scalar value (at most U+10FFFF, not a
 * surrogate), the only code points a `\u` or `\U` escape may stand for.
 * @public
 */
export function isUnicodeScalarValue(code: number): boolean {
  return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
}

/** Shows a rejected value safely inside a message: quoted, escaped, shortened. */
export function showValue(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * A double-quoted, Go-escaped string literal holding exactly `value`.
 * Throws InputError for a value with a lone surrogate (it has no UTF-8 form).
 */
export function goQuotedString(value: string, language: string): string {
  if (typeof value !== 'string') {
    throw new InputError(`${language} string value must be a string`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new InputError(
      `${language} string value ${showValue(
        value,
      )} contains a lone UTF-16 surrogate, which has no UTF-8 form`,
    );
  }
  const escaped = value.replace(
    NEEDS_ESCAPE,
    ch =>
      SHORT_ESCAPES[ch] ??
      `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

/** Prometheus and Loki label names (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The label-matcher operators shared by LogQL stream selectors and PromQL. */
export type LabelMatchOp = '=' | '!=' | '=~' | '!~';

/** One `label op "value"` matcher of a Loki stream or Prometheus selector. */
export interface LabelMatcher {
  label: string;
  op: LabelMatchOp;
  value: string;
}

const MATCH_OPS: ReadonlyArray<LabelMatchOp> = ['=', '!=', '=~', '!~'];

/** Prints `label op "value"` after checking the label name and operator. */
export function printLabelMatcher(
  matcher: LabelMatcher,
  language: string,
): string {
  const { label, op, value } = matcher;
  if (typeof label !== 'string' || !LABEL_NAME.test(label)) {
    throw new InputError(
      `${language} label name ${showValue(
        String(label),
      )} must match [a-zA-Z_][a-zA-Z0-9_]*`,
    );
  }
  if (!MATCH_OPS.includes(op)) {
    throw new InputError(
      `${language} matcher operator ${showValue(
        String(op),
      )} must be one of = != =~ !~`,
    );
  }
  return `${label}${op}${goQuotedString(value, language)}`;
}

/**
 * A LogQL/PromQL range duration, `^[0-9]+(ms|s|m|h|d)$`, not zero.
 * @public
 */
export const RANGE_DURATION = /^[0-9]{1,9}(ms|s|m|h|d)$/;

/** Returns `range` when it is a valid, non-zero range duration; throws otherwise. */
export function rangeOrThrow(range: string, language: string): string {
  if (
    typeof range !== 'string' ||
    !RANGE_DURATION.test(range) ||
    /^0+[a-z]+$/.test(range)
  ) {
    throw new InputError(
      `${language} range ${showValue(
        String(range),
      )} must be a positive whole number followed by ms, s, m, h or d (for example 5m)`,
    );
  }
  return range;
}

/** Throws unless the service name is a non-empty string. */
export function serviceNameOrThrow(serviceName: unknown): string {
  if (typeof serviceName !== 'string' || serviceName.length === 0) {
    throw new InputError('telemetry identity needs a non-empty serviceName');
  }
  return serviceName;
}
