import { InputError } from '@backstage/errors';
import type { TelemetryIdentity } from '../annotations';
import {
  GO_SIMPLE_ESCAPES,
  goQuotedString,
  isUnicodeScalarValue,
  LabelMatcher,
  LabelMatchOp,
  printLabelMatcher,
  rangeOrThrow,
  serviceNameOrThrow,
  showValue,
} from './quoting';

/*
 * LogQL built from entity annotations (shared/reference/contracts.md 4 and
 * 5.1). Every value goes into the query through `logqlString`; the only text
 * taken as LogQL is the `haven.plus/loki-selector` override, and that only
 * after `parseStreamSelector` has read it as a pure stream selector and it
 * has been printed again from the parsed matchers.
 */

/** A Loki stream-selector matcher operator. @public */
export type LogqlMatchOp = LabelMatchOp;

/** One `label op "value"` matcher of a Loki stream selector. @public */
export type LogqlMatcher = LabelMatcher;

/**
 * Loki stream labels for the OTel resource attributes: Loki turns
 * `service.name` into `service_name` and `service.namespace` into
 * `service_namespace`, both index labels by default (contracts.md 4).
 * @public
 */
export const LOKI_SERVICE_NAME_LABEL = 'service_name';
/** See {@link LOKI_SERVICE_NAME_LABEL}. @public */
export const LOKI_SERVICE_NAMESPACE_LABEL = 'service_namespace';

/**
 * The line filter `logQueries().errors` adds: a case-insensitive `error`
 * anywhere in the line. Chosen over `detected_level`, which contracts.md
 * does not document (see the report in logQueries).
 * @public
 */
export const LOKI_ERROR_LINE_FILTER = `|~ ${goQuotedString(
  '(?i)error',
  'LogQL',
)}`;

/**
 * The label Loki 3 puts a line's level in when it discovers one: structured
 * metadata `detected_level`, one of `trace`, `debug`, `info`, `warn`,
 * `error`, `fatal`, `critical` or `unknown` (Loki's
 * `pkg/util/constants` `LevelLabel` and `LogLevel*`, v3.4; not in
 * contracts.md). `volumeByLevel` groups by it.
 * @public
 */
export const LOKI_LEVEL_LABEL = 'detected_level';

/** The `detected_level` values that count as errors on the entity page. @public */
export const LOKI_ERROR_LEVELS: readonly string[] = [
  'error',
  'fatal',
  'critical',
];

/** Whether a `detected_level` value is an error level, in any case. @public */
export function isErrorLevel(level: string | undefined): boolean {
  return (
    typeof level === 'string' &&
    LOKI_ERROR_LEVELS.includes(level.trim().toLowerCase())
  );
}

const SELECTOR_MAX_LENGTH = 2048;
const SELECTOR_MAX_MATCHERS = 32;

/**
 * A LogQL double-quoted string literal holding exactly `value`: `\` and `"`
 * escaped, newlines and other control characters written as escapes.
 * @public
 */
export function logqlString(value: string): string {
  return goQuotedString(value, 'LogQL');
}

/**
 * A Loki stream selector `{a="x", b!="y"}`. Label names must match
 * `[a-zA-Z_][a-zA-Z0-9_]*`; values are always quoted with `logqlString`.
 * @public
 */
export function streamSelector(matchers: ReadonlyArray<LogqlMatcher>): string {
  if (!Array.isArray(matchers) || matchers.length === 0) {
    throw new InputError('a Loki stream selector needs at least one matcher');
  }
  return `{${matchers.map(m => printLabelMatcher(m, 'LogQL')).join(', ')}}`;
}

function selectorError(text: string, pos: number, problem: string): never {
  throw new InputError(
    `Loki selector ${showValue(
      text,
    )} is not a pure stream selector ({label="value", ...}): ${problem} at character ${
      pos + 1
    }`,
  );
}

/**
 * Reads the matchers of a Loki stream selector, and nothing else: the text
 * must be `{` matchers `}` with optional whitespace around tokens, where a
 * matcher is `label op string`, `op` one of `= != =~ !~`, and `string` a
 * double-quoted (escapes `\\ \" \n \r \t \a \b \f \v \uXXXX \UXXXXXXXX`) or
 * backtick string. Line filters, pipelines, `or`, metric functions and
 * anything after the closing `}` are rejected with InputError.
 * @public
 */
export function parseStreamSelector(text: string): LogqlMatcher[] {
  if (typeof text !== 'string') {
    throw new InputError('Loki selector must be a string');
  }
  if (text.length > SELECTOR_MAX_LENGTH) {
    throw new InputError(
      `Loki selector is ${text.length} characters long; at most ${SELECTOR_MAX_LENGTH} are allowed`,
    );
  }
  let pos = 0;
  const skipSpace = () => {
    while (pos < text.length && /[ \t\r\n]/.test(text[pos])) pos++;
  };
  const readLabel = (): string => {
    const match = /[a-zA-Z_][a-zA-Z0-9_]*/y;
    match.lastIndex = pos;
    const found = match.exec(text);
    if (!found) return selectorError(text, pos, 'expected a label name');
    pos += found[0].length;
    return found[0];
  };
  const readOp = (): LabelMatchOp => {
    for (const op of ['=~', '!~', '!=', '='] as const) {
      if (text.startsWith(op, pos)) {
        pos += op.length;
        return op;
      }
    }
    return selectorError(text, pos, 'expected one of = != =~ !~');
  };
  const readHex = (digits: number): string => {
    const hex = text.slice(pos, pos + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) {
      selectorError(text, pos, `expected ${digits} hex digits`);
    }
    const code = parseInt(hex, 16);
    if (!isUnicodeScalarValue(code)) {
      selectorError(text, pos, 'escape is not a Unicode scalar value');
    }
    pos += digits;
    return String.fromCodePoint(code);
  };
  const readString = (): string => {
    const quote = text[pos];
    if (quote === '`') {
      const end = text.indexOf('`', pos + 1);
      if (end < 0) selectorError(text, pos, 'unterminated backtick string');
      const value = text.slice(pos + 1, end);
      pos = end + 1;
      return value;
    }
    if (quote !== '"') return selectorError(text, pos, 'expected a string');
    pos++;
    let value = '';
    for (;;) {
      if (pos >= text.length) selectorError(text, pos, 'unterminated string');
      const ch = text[pos];
      if (ch === '"') {
        pos++;
        return value;
      }
      if (ch === '\n') selectorError(text, pos, 'newline inside a string');
      if (ch !== '\\') {
        value += ch;
        pos++;
        continue;
      }
      const esc = text[pos + 1];
      pos += 2;
      if (esc !== undefined && esc in GO_SIMPLE_ESCAPES) {
        value += GO_SIMPLE_ESCAPES[esc];
      } else if (esc === 'u') {
        value += readHex(4);
      } else if (esc === 'U') {
        value += readHex(8);
      } else {
        selectorError(
          text,
          pos - 2,
          `unsupported escape \\${esc ?? ''} (byte escapes are not accepted)`,
        );
      }
    }
  };

  const matchers: LogqlMatcher[] = [];
  skipSpace();
  if (text[pos] !== '{') selectorError(text, pos, "expected '{'");
  pos++;
  for (;;) {
    skipSpace();
    const label = readLabel();
    skipSpace();
    const op = readOp();
    skipSpace();
    const value = readString();
    matchers.push({ label, op, value });
    if (matchers.length > SELECTOR_MAX_MATCHERS) {
      selectorError(text, pos, `more than ${SELECTOR_MAX_MATCHERS} matchers`);
    }
    skipSpace();
    if (text[pos] === ',') {
      pos++;
      continue;
    }
    if (text[pos] === '}') {
      pos++;
      break;
    }
    selectorError(text, pos, "expected ',' or '}'");
  }
  skipSpace();
  if (pos !== text.length) {
    selectorError(
      text,
      pos,
      "found text after the closing '}' (line filters, pipelines and operators are not allowed)",
    );
  }
  if (!matchers.some(m => (m.op === '=' || m.op === '=~') && m.value !== '')) {
    throw new InputError(
      `Loki selector ${showValue(
        text,
      )} needs at least one = or =~ matcher with a non-empty value`,
    );
  }
  return matchers;
}

/**
 * The entity's Loki stream selector: `{service_name="<name>"}` plus
 * `service_namespace="<ns>"` when the identity has a namespace
 * (contracts.md 4). When the entity sets `haven.plus/loki-selector`, that
 * selector is used instead, after `parseStreamSelector` accepts it, printed
 * again from its parsed matchers.
 * @public
 */
export function serviceLogSelector(identity: TelemetryIdentity): string {
  if (identity.lokiSelector !== undefined) {
    return streamSelector(parseStreamSelector(identity.lokiSelector));
  }
  const matchers: LogqlMatcher[] = [
    {
      label: LOKI_SERVICE_NAME_LABEL,
      op: '=',
      value: serviceNameOrThrow(identity.serviceName),
    },
  ];
  if (identity.serviceNamespace) {
    matchers.push({
      label: LOKI_SERVICE_NAMESPACE_LABEL,
      op: '=',
      value: identity.serviceNamespace,
    });
  }
  return streamSelector(matchers);
}

/** The LogQL queries the entity page runs or links to. @public */
export interface LogQueries {
  /** Every log line of the service. */
  all: string;
  /** Lines that mention `error` in any case: `<selector> |~ "(?i)error"`. */
  errors: string;
  /**
   * `sum by (detected_level) (count_over_time(<selector> [<range>]))`: one
   * series per level, so the total and the error count (see
   * {@link isErrorLevel}) come from one query.
   */
  volumeByLevel: (range: string) => string;
  /** `sum(count_over_time(<selector> |~ "(?i)error" [<range>]))`. */
  errorCount: (range: string) => string;
}

/**
 * The entity's LogQL queries. Ranges must match `^[0-9]+(ms|s|m|h|d)$`.
 *
 * Errors are found with the line filter `|~ "(?i)error"`, not a level
 * label: contracts.md 4 and 5.1 document `service_name` and the other
 * index labels, but no level label or `detected_level` field, and an
 * OTLP log's severity lands in structured metadata only (contracts.md 4).
 * A line filter works whatever the ingestion config; it can over-match
 * (`0 errors`). `volumeByLevel` groups by Loki's `detected_level` (see
 * {@link LOKI_LEVEL_LABEL}); with level discovery off every line lands in
 * one series without the label.
 * @public
 */
export function logQueries(identity: TelemetryIdentity): LogQueries {
  const selector = serviceLogSelector(identity);
  const errors = `${selector} ${LOKI_ERROR_LINE_FILTER}`;
  return {
    all: selector,
    errors,
    volumeByLevel: range =>
      `sum by (${LOKI_LEVEL_LABEL}) (count_over_time(${selector} [${rangeOrThrow(
        range,
        'LogQL',
      )}]))`,
    errorCount: range =>
      `sum(count_over_time(${errors} [${rangeOrThrow(range, 'LogQL')}]))`,
  };
}
