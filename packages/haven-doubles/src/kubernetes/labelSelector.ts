/**
 * Kubernetes label selectors, as the API server parses `?labelSelector=`
 * (Kubernetes docs, "Labels and Selectors"): comma-separated requirements,
 * each equality-based (`k=v`, `k==v`, `k!=v`), set-based (`k in (a,b)`,
 * `k notin (a,b)`) or existence (`k`, `!k`). All requirements must hold.
 */
export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

export class LabelSelectorError extends Error {}

/** Splits on commas that are not inside a set's parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p.length > 0);
}

const SET = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^()]*)\)$/;
const EQUALITY = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const EXISTS = /^(!?)([^\s!=(),]+)$/;

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitRequirements(selector).map(part => {
    const set = SET.exec(part);
    if (set) {
      const values = set[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v.length > 0);
      return { key: set[1], op: set[2] as 'in' | 'notin', values };
    }
    const eq = EQUALITY.exec(part);
    if (eq) {
      return {
        key: eq[1],
        op: eq[2] === '!=' ? 'notin' : 'in',
        values: [eq[3]],
      };
    }
    const exists = EXISTS.exec(part);
    if (exists) {
      return { key: exists[2], op: exists[1] ? 'doesnotexist' : 'exists' };
    }
    throw new LabelSelectorError(`unable to parse requirement: ${part}`);
  });
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      default:
        return false;
    }
  });
}
