/**
 * Vault ACL policies: parsing (JSON, and the HCL subset that policies use),
 * identity templating, and the path-matching rules that decide what a token
 * may do. Written from the documented behaviour (contracts.md 1.4, 1.8, 7.1,
 * 7.4 and Vault's policies documentation), not from Vault's code.
 */

export type Capability =
  | 'create'
  | 'read'
  | 'update'
  | 'patch'
  | 'delete'
  | 'list'
  | 'sudo'
  | 'deny'
  | 'subscribe'
  | 'recover';

const CAPABILITIES: ReadonlySet<string> = new Set<Capability>([
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
  'subscribe',
  'recover',
]);

/** The legacy `policy = "…"` shorthand and the capabilities it stands for. */
const LEGACY_POLICY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

/** Keys a path block may hold. The double enforces capabilities and the three parameter lists; it accepts and ignores the wrapping TTLs and the Enterprise-only keys. */
const PATH_KEYS = new Set([
  'comment',
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
]);

export type ParameterValue = string | number | boolean | null;

export interface PathRule {
  /** As written, leading `/` removed; may hold `{{identity…}}` templates. */
  path: string;
  capabilities: Capability[];
  allowedParameters?: Record<string, ParameterValue[]>;
  deniedParameters?: Record<string, ParameterValue[]>;
  requiredParameters?: string[];
}

export interface ParsedPolicy {
  name?: string;
  rules: PathRule[];
}

/** A policy text Vault would refuse; `message` follows `failed to parse policy: `. */
export class PolicyParseError extends Error {}

// ---------------------------------------------------------------------------
// A small HCL v1 reader: enough for policies (blocks with string labels,
// `key = value`, strings, numbers, booleans, lists, objects, comments).

type HclValue = string | number | boolean | HclValue[] | HclObject;
interface HclEntry {
  key: string;
  labels: string[];
  value: HclValue;
  line: number;
}
interface HclObject {
  kind: 'object';
  entries: HclEntry[];
}

type Token =
  | { type: 'string'; value: string; line: number }
  | { type: 'ident'; value: string; line: number }
  | { type: 'number'; value: number; line: number }
  | { type: 'punct'; value: string; line: number }
  | { type: 'eof'; value: ''; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const fail = (what: string): never => {
    throw new PolicyParseError(`At ${line}: ${what}`);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('comment not terminated');
      for (let j = i; j < end; j += 1) if (text[j] === '\n') line += 1;
      i = end + 2;
    } else if (c === '"') {
      const start = line;
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) fail('literal not terminated');
        const d = text[i];
        if (d === '"') break;
        if (d === '\n') fail('literal not terminated');
        if (d === '\\') {
          const e = text[i + 1];
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '"': '"',
            '\\': '\\',
          };
          if (e === undefined || !(e in escapes))
            fail('unknown escape sequence');
          value += escapes[e];
          i += 2;
        } else {
          value += d;
          i += 1;
        }
      }
      i += 1;
      tokens.push({ type: 'string', value, line: start });
    } else if ('{}[]=,:'.includes(c)) {
      tokens.push({ type: 'punct', value: c, line });
      i += 1;
    } else if (/[0-9-]/.test(c)) {
      const match = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
        text.slice(i),
      );
      if (!match) fail(`illegal char "${c}"`);
      tokens.push({ type: 'number', value: Number(match![0]), line });
      i += match![0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i))!;
      tokens.push({ type: 'ident', value: match[0], line });
      i += match[0].length;
    } else {
      fail(`illegal char "${c}"`);
    }
  }
  tokens.push({ type: 'eof', value: '', line });
  return tokens;
}

function parseHcl(text: string): HclObject {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const fail = (token: Token, what: string): never => {
    throw new PolicyParseError(`At ${token.line}: ${what}`);
  };
  const isPunct = (token: Token, value: string) =>
    token.type === 'punct' && token.value === value;

  function parseValue(): HclValue {
    const token = next();
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'ident') {
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      return fail(token, `unexpected identifier ${token.value}`);
    }
    if (isPunct(token, '[')) {
      const items: HclValue[] = [];
      while (!isPunct(peek(), ']')) {
        if (peek().type === 'eof') fail(peek(), 'list not terminated');
        items.push(parseValue());
        if (isPunct(peek(), ',')) next();
        else if (!isPunct(peek(), ']'))
          fail(peek(), 'expected comma or end of list');
      }
      next();
      return items;
    }
    if (isPunct(token, '{')) return parseObject(true);
    return fail(token, `unexpected token ${token.value || token.type}`);
  }

  function parseObject(braced: boolean): HclObject {
    const entries: HclEntry[] = [];
    for (;;) {
      const token = peek();
      if (braced && isPunct(token, '}')) {
        next();
        break;
      }
      if (token.type === 'eof') {
        if (braced) fail(token, 'object expected closing RBRACE got: EOF');
        break;
      }
      if (isPunct(token, ',')) {
        next();
        continue;
      }
      if (token.type !== 'string' && token.type !== 'ident') {
        fail(token, `expected a key, got ${token.value || token.type}`);
      }
      next();
      const labels: string[] = [];
      while (peek().type === 'string') labels.push(String(next().value));
      let value: HclValue;
      if (isPunct(peek(), '=') || isPunct(peek(), ':')) {
        next();
        value = parseValue();
      } else if (isPunct(peek(), '{')) {
        next();
        value = parseObject(true);
      } else {
        value = fail(
          peek(),
          `key '${token.value}' expected start of object ('{') or assignment ('=')`,
        );
      }
      entries.push({
        key: String(token.value),
        labels,
        value,
        line: token.line,
      });
    }
    return { kind: 'object', entries };
  }

  return parseObject(false);
}

/** JSON, read into the same shape as HCL (objects keep their keys in order). */
function fromJson(value: unknown): HclValue {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (value && typeof value === 'object') {
    return {
      kind: 'object',
      entries: Object.entries(value).map(([key, v]) => ({
        key,
        labels: [],
        value: fromJson(v),
        line: 1,
      })),
    };
  }
  throw new PolicyParseError('null is not a valid value in a policy');
}

const isObject = (value: HclValue): value is HclObject =>
  typeof value === 'object' && !Array.isArray(value);

/** `path "p" { … }`, `path { "p" { … } }`, JSON `"path": {"p": {…}}` or `"path": [{"p": {…}}]`. */
function pathBlocks(
  entry: HclEntry,
): Array<{ path: string; body: HclObject; line: number }> {
  if (entry.labels.length === 1 && isObject(entry.value)) {
    return [{ path: entry.labels[0], body: entry.value, line: entry.line }];
  }
  if (entry.labels.length > 1) {
    throw new PolicyParseError(
      `path: unexpected label "${entry.labels[1]}" on line ${entry.line}`,
    );
  }
  const holders: HclValue[] = Array.isArray(entry.value)
    ? entry.value
    : [entry.value];
  const blocks: Array<{ path: string; body: HclObject; line: number }> = [];
  for (const holder of holders) {
    if (!isObject(holder)) {
      throw new PolicyParseError(
        `path: expected an object on line ${entry.line}`,
      );
    }
    for (const inner of holder.entries) {
      const body = inner.labels.length === 0 ? inner.value : undefined;
      if (!body || !isObject(body)) {
        throw new PolicyParseError(
          `path "${inner.key}": expected an object on line ${inner.line}`,
        );
      }
      blocks.push({ path: inner.key, body, line: inner.line });
    }
  }
  return blocks;
}

function stringList(value: HclValue, what: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map(item => {
    if (typeof item !== 'string') {
      throw new PolicyParseError(`${what}: expected a list of strings`);
    }
    return item;
  });
}

function parameterMap(
  value: HclValue,
  what: string,
): Record<string, ParameterValue[]> {
  const holders = Array.isArray(value) ? value : [value];
  const result: Record<string, ParameterValue[]> = {};
  for (const holder of holders) {
    if (!isObject(holder)) {
      throw new PolicyParseError(`${what}: expected an object`);
    }
    for (const entry of holder.entries) {
      const raw = Array.isArray(entry.value) ? entry.value : [entry.value];
      const values = raw.map(v => {
        if (isObject(v) || Array.isArray(v)) {
          throw new PolicyParseError(
            `${what}: "${entry.key}" holds a nested value`,
          );
        }
        return v;
      });
      result[entry.key] = [...(result[entry.key] ?? []), ...values];
    }
  }
  return result;
}

function parsePathRule(path: string, body: HclObject): PathRule {
  const capabilities: Capability[] = [];
  const rule: PathRule = { path: path.replace(/^\/+/, ''), capabilities };
  for (const entry of body.entries) {
    const where = `path "${path}"`;
    if (!PATH_KEYS.has(entry.key)) {
      throw new PolicyParseError(
        `${where}: invalid key "${entry.key}" on line ${entry.line}`,
      );
    }
    switch (entry.key) {
      case 'capabilities':
        for (const capability of stringList(
          entry.value,
          `${where}: capabilities`,
        )) {
          if (!CAPABILITIES.has(capability)) {
            throw new PolicyParseError(
              `${where}: invalid capability "${capability}"`,
            );
          }
          capabilities.push(capability as Capability);
        }
        break;
      case 'policy': {
        const legacy =
          typeof entry.value === 'string'
            ? LEGACY_POLICY[entry.value]
            : undefined;
        if (!legacy) {
          throw new PolicyParseError(
            `${where}: invalid policy "${String(entry.value)}"`,
          );
        }
        capabilities.push(...legacy);
        break;
      }
      case 'allowed_parameters':
        rule.allowedParameters = parameterMap(
          entry.value,
          `${where}: allowed_parameters`,
        );
        break;
      case 'denied_parameters':
        rule.deniedParameters = parameterMap(
          entry.value,
          `${where}: denied_parameters`,
        );
        break;
      case 'required_parameters':
        rule.requiredParameters = stringList(
          entry.value,
          `${where}: required_parameters`,
        );
        break;
      default:
        // comment, wrapping TTLs, mfa_methods, control_group, subscribe_event_types: accepted, not enforced.
        break;
    }
  }
  return rule;
}

/**
 * Parses policy text as Vault does: JSON when it starts with `{`, otherwise
 * HCL. contracts.md 1.4: valid top-level keys are only `name` and `path`;
 * HCL v1 also accepts JSON (`{"path":{"kv-apps/data/team-a/*":{"capabilities":["read"]}}}`).
 */
export function parsePolicy(text: string): ParsedPolicy {
  let root: HclValue;
  if (text.trimStart().startsWith('{')) {
    try {
      root = fromJson(JSON.parse(text));
    } catch (error) {
      if (error instanceof PolicyParseError) throw error;
      throw new PolicyParseError((error as Error).message);
    }
  } else {
    root = parseHcl(text);
  }
  if (!isObject(root)) throw new PolicyParseError('expected an object');
  const policy: ParsedPolicy = { rules: [] };
  for (const entry of root.entries) {
    if (entry.key === 'name' && typeof entry.value === 'string') {
      policy.name = entry.value;
    } else if (entry.key === 'path') {
      for (const block of pathBlocks(entry)) {
        policy.rules.push(parsePathRule(block.path, block.body));
      }
    } else {
      throw new PolicyParseError(
        `invalid key "${entry.key}" on line ${entry.line}`,
      );
    }
  }
  return policy;
}

// ---------------------------------------------------------------------------
// Identity templating (contracts.md 7.4 option 1, 1.8).

export interface IdentityAlias {
  mountAccessor: string;
  id: string;
  name: string;
  metadata: Record<string, string>;
}

export interface Identity {
  entityId: string;
  entityName: string;
  entityMetadata?: Record<string, string>;
  aliases: IdentityAlias[];
}

function templateValue(
  expression: string,
  identity: Identity | undefined,
): string | undefined {
  if (!identity) return undefined;
  const parts = expression.split('.');
  if (parts[0] !== 'identity' || parts[1] !== 'entity') return undefined;
  if (parts.length === 3 && parts[2] === 'id') return identity.entityId;
  if (parts.length === 3 && parts[2] === 'name') return identity.entityName;
  if (parts.length === 4 && parts[2] === 'metadata') {
    return identity.entityMetadata?.[parts[3]];
  }
  if (parts[2] === 'aliases' && parts.length >= 5) {
    const alias = identity.aliases.find(a => a.mountAccessor === parts[3]);
    if (!alias) return undefined;
    if (parts.length === 5 && parts[4] === 'id') return alias.id;
    if (parts.length === 5 && parts[4] === 'name') return alias.name;
    if (parts.length === 6 && parts[4] === 'metadata')
      return alias.metadata[parts[5]];
  }
  // identity.groups.*, custom_metadata and anything else: not modelled.
  return undefined;
}

/**
 * Renders `{{identity.…}}` in a policy path. Returns undefined when a value is
 * missing, in which case the rule does not apply to the token. contracts.md
 * 1.8: rendered values may no longer contain `+` or `*` (Vault 2.0.1+); such
 * a rule is dropped too, so the request ends in permission denied unless
 * another rule grants it.
 */
export function renderTemplatedPath(
  path: string,
  identity: Identity | undefined,
): string | undefined {
  let failed = false;
  const rendered = path.replace(
    /\{\{\s*([^{}]+?)\s*\}\}/g,
    (_whole, expression: string) => {
      const value = templateValue(expression, identity);
      if (value === undefined || value.includes('+') || value.includes('*')) {
        failed = true;
        return '';
      }
      return value;
    },
  );
  return failed ? undefined : rendered;
}

// ---------------------------------------------------------------------------
// The ACL: merged rules and Vault's priority matching.

export interface MergedRule {
  path: string;
  capabilities: Set<Capability>;
  allowedParameters?: Record<string, ParameterValue[]>;
  deniedParameters?: Record<string, ParameterValue[]>;
  requiredParameters?: string[];
  /** compiled matcher */
  regex: RegExp;
  glob: boolean;
  firstWildcard: number;
  plusSegments: number;
}

function compile(
  path: string,
): Pick<MergedRule, 'regex' | 'glob' | 'firstWildcard' | 'plusSegments'> {
  // Vault's policies docs: `*` is a glob only as the last character; `+`
  // stands for exactly one path segment.
  const glob = path.endsWith('*');
  const body = glob ? path.slice(0, -1) : path;
  const segments = body.split('/');
  let offset = 0;
  let firstWildcard = glob ? path.length - 1 : Infinity;
  let plusSegments = 0;
  const pattern = segments
    .map(segment => {
      const at = offset;
      offset += segment.length + 1;
      if (segment === '+') {
        plusSegments += 1;
        firstWildcard = Math.min(firstWildcard, at);
        return '[^/]+';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return {
    regex: new RegExp(`^${pattern}${glob ? '[\\s\\S]*' : ''}$`),
    glob,
    firstWildcard,
    plusSegments,
  };
}

function mergeParameters(
  a: Record<string, ParameterValue[]> | undefined,
  b: Record<string, ParameterValue[]> | undefined,
): Record<string, ParameterValue[]> | undefined {
  if (!a) return b;
  if (!b) return a;
  const merged: Record<string, ParameterValue[]> = { ...a };
  for (const [key, values] of Object.entries(b)) {
    const existing = merged[key];
    // An empty list means "any value"; merging with it stays "any value".
    if (existing === undefined) merged[key] = values;
    else if (existing.length === 0 || values.length === 0) merged[key] = [];
    else merged[key] = [...existing, ...values];
  }
  return merged;
}

/**
 * Vault's policies docs ("Priority matching"): P1 is lower priority than P2
 * if (1) its first `+`/`*` comes earlier, (2) it ends in `*` and P2 does not,
 * (3) it has more `+` segments, (4) it is shorter, (5) it sorts lower.
 * Returns > 0 when `a` wins.
 */
export function comparePriority(a: MergedRule, b: MergedRule): number {
  if (a.firstWildcard !== b.firstWildcard)
    return a.firstWildcard > b.firstWildcard ? 1 : -1;
  if (a.glob !== b.glob) return a.glob ? -1 : 1;
  if (a.plusSegments !== b.plusSegments)
    return a.plusSegments < b.plusSegments ? 1 : -1;
  if (a.path.length !== b.path.length)
    return a.path.length > b.path.length ? 1 : -1;
  if (a.path === b.path) return 0;
  return a.path > b.path ? 1 : -1;
}

export class Acl {
  private readonly rules: MergedRule[];

  /** Rules from several policies; the same path in several policies is one rule with the union of their capabilities (deny wins). */
  constructor(policies: ParsedPolicy[], identity?: Identity) {
    const byPath = new Map<string, MergedRule>();
    for (const policy of policies) {
      for (const rule of policy.rules) {
        const path = rule.path.includes('{{')
          ? renderTemplatedPath(rule.path, identity)
          : rule.path;
        if (path === undefined) continue;
        const existing = byPath.get(path);
        if (!existing) {
          byPath.set(path, {
            path,
            capabilities: new Set(rule.capabilities),
            allowedParameters: rule.allowedParameters,
            deniedParameters: rule.deniedParameters,
            requiredParameters: rule.requiredParameters,
            ...compile(path),
          });
        } else {
          rule.capabilities.forEach(c => existing.capabilities.add(c));
          existing.allowedParameters = mergeParameters(
            existing.allowedParameters,
            rule.allowedParameters,
          );
          existing.deniedParameters = mergeParameters(
            existing.deniedParameters,
            rule.deniedParameters,
          );
          if (rule.requiredParameters) {
            existing.requiredParameters = [
              ...new Set([
                ...(existing.requiredParameters ?? []),
                ...rule.requiredParameters,
              ]),
            ];
          }
        }
      }
    }
    this.rules = [...byPath.values()];
  }

  /**
   * The one rule that governs `path`, or undefined. For a LIST the request
   * path ends in `/`; a rule written without that slash (exact or wildcard)
   * also matches it (Vault's policies docs on `list`; hashicorp/vault#23874).
   */
  ruleFor(path: string, list: boolean): MergedRule | undefined {
    const trimmed = list && path.endsWith('/') ? path.slice(0, -1) : undefined;
    let best: MergedRule | undefined;
    for (const rule of this.rules) {
      const matches =
        rule.regex.test(path) ||
        (trimmed !== undefined && rule.regex.test(trimmed));
      if (matches && (!best || comparePriority(rule, best) > 0)) best = rule;
    }
    return best;
  }
}

function valueMatches(allowed: ParameterValue, actual: unknown): boolean {
  if (typeof allowed === 'string' && typeof actual === 'string') {
    if (allowed === '*') return true;
    // Parameter values accept a prefix or suffix glob (contracts.md 7.4).
    if (allowed.length > 1 && allowed.endsWith('*'))
      return actual.startsWith(allowed.slice(0, -1));
    if (allowed.length > 1 && allowed.startsWith('*'))
      return actual.endsWith(allowed.slice(1));
    return allowed === actual;
  }
  return allowed === actual || String(allowed) === String(actual);
}

/**
 * Each element of a list value is checked on its own (Vault 1.21.0+,
 * contracts.md 7.4 "List caveat"); a scalar is checked as itself.
 */
function elementsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * required_parameters, denied_parameters and allowed_parameters of the
 * governing rule against the request's top-level body keys (Vault's
 * policies docs, "Parameter constraints"; not applied to KV v2).
 */
export function parametersAllowed(
  rule: MergedRule,
  body: Record<string, unknown>,
): boolean {
  const keys = Object.keys(body);
  for (const required of rule.requiredParameters ?? []) {
    if (!keys.includes(required)) return false;
  }
  const denied = rule.deniedParameters;
  if (denied) {
    if ('*' in denied && keys.length > 0) return false;
    for (const key of keys) {
      const values = denied[key];
      if (values === undefined) continue;
      if (values.length === 0) return false;
      if (
        elementsOf(body[key]).some(element =>
          values.some(v => valueMatches(v, element)),
        )
      )
        return false;
    }
  }
  const allowed = rule.allowedParameters;
  if (allowed && Object.keys(allowed).length > 0) {
    for (const key of keys) {
      const values = allowed[key];
      if (values === undefined) {
        if ('*' in allowed) continue;
        return false;
      }
      if (values.length === 0) continue;
      if (
        !elementsOf(body[key]).every(element =>
          values.some(v => valueMatches(v, element)),
        )
      )
        return false;
    }
  }
  return true;
}
