import { InputError } from '@backstage/errors';

/*
 * The lexical rules of Alloy syntax that both the printer (printer.ts) and
 * the reader (lexer.ts) follow: identifiers as shared/reference/alloy/
 * syntax.md "Identifiers" defines them, and the characters Alloy's scanner
 * (grafana/alloy syntax/scanner) refuses anywhere in a file.
 */

/** A character that may start an identifier: a UTF-8 letter or `_`. */
export const IDENTIFIER_START = /[\p{L}_]/u;
/** A character that may follow it: a letter, digit or `_`. */
export const IDENTIFIER_PART = /[\p{L}\p{Nd}_]/u;

const IDENTIFIER = new RegExp(
  `^${IDENTIFIER_START.source}${IDENTIFIER_PART.source}*$`,
  'u',
);
const KEYWORDS = new Set(['true', 'false', 'null']);

/** syntax.md "Identifiers": UTF-8 letters, digits, underscores; no leading digit. @public */
export function isAlloyIdentifier(s: string): boolean {
  return IDENTIFIER.test(s) && !KEYWORDS.has(s);
}

export function assertIdentifier(s: string, what: string): void {
  if (!isAlloyIdentifier(s)) {
    throw new InputError(
      `${what} ${JSON.stringify(
        s,
      )} is not an Alloy identifier (letters, digits and underscores, not starting with a digit: syntax.md "Identifiers")`,
    );
  }
}

export function assertDottedName(s: string, what: string): void {
  for (const part of s.split('.')) assertIdentifier(part, `${what} part of`);
}

/**
 * A UTF-16 surrogate code point: in a JavaScript string a lone one, which
 * UTF-8 (and so an Alloy file) cannot carry; as an escape, an invalid code
 * point.
 */
export function isSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}
