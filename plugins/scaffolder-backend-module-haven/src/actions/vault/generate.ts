import { randomInt } from 'node:crypto';

/** The alphabets a generated secret can be drawn from (the actions' `kind` enum). */
export const GENERATED_KINDS = [
  'alphanumeric',
  'hex',
  'base64url',
  'password',
] as const;

/** How a generated secret looks. */
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

const ALPHABETS: Record<GeneratedKind, string> = {
  alphanumeric:
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  // No quotes, backslashes or spaces: safe in env files, URLs and shells.
  password:
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%+-.:=@^_~',
};

/**
 * A random string from the kind's alphabet, each character drawn with
 * crypto.randomInt (a CSPRNG, uniform: no modulo bias).
 */
export function generateSecret(kind: GeneratedKind, length: number): string {
  const alphabet = ALPHABETS[kind];
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
