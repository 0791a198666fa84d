import { InputError } from '@backstage/errors';
import { ALLOY_COMPONENTS } from '../catalog';
import {
  attr,
  block,
  type AlloyAttribute,
  type AlloyBlock,
  type AlloyComponent,
  type AlloyRef,
  type AlloyTargetsRef,
} from '../model';

/** @public */
export interface KubernetesDiscoveryOptions {
  label: string;
  /** role: one of the roles discovery.kubernetes.md lists. */
  role: 'node' | 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'ingress';
  /** namespaces > names; omit to search all namespaces (discovery.kubernetes.md, `namespaces`). */
  namespaces?: readonly string[];
  comment?: string;
}

/** discovery.kubernetes: finds targets through the Kubernetes API. @public */
export function kubernetesDiscovery(
  opts: KubernetesDiscoveryOptions,
): AlloyComponent<'discovery.kubernetes'> {
  const body: Array<AlloyAttribute | AlloyBlock> = [attr('role', opts.role)];
  if (opts.namespaces) {
    if (opts.namespaces.length === 0) {
      throw new InputError(
        `discovery.kubernetes "${opts.label}": namespaces is empty; omit it to search all namespaces`,
      );
    }
    body.push(block('namespaces', [attr('names', [...opts.namespaces])]));
  }
  return {
    name: 'discovery.kubernetes',
    label: opts.label,
    body,
    comment:
      opts.comment ??
      `Discovers ${opts.role} targets in ${
        opts.namespaces
          ? `namespaces ${opts.namespaces.join(', ')}`
          : 'all namespaces'
      }.`,
  };
}

/** Refuses a `targets` reference that is not of type Targets (catalog.ts). */
export function assertTargets(r: AlloyRef, owner: string): void {
  if (ALLOY_COMPONENTS[r.component]?.exports[r.export]?.type !== 'Targets') {
    throw new InputError(
      `${owner}: targets must come from a Targets export (list(map(string))); ${r.component}.${r.label}.${r.export} is not one`,
    );
  }
}
/**
 * A relabeling action, as the `rule` block lists them (grafana/alloy
 * docs/sources/shared/reference/components/rule-block.md, "You can use the
 * following actions").
 * @public
 */
export type AlloyRelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

/**
 * One `rule` block (rule-block.md). Every argument is optional; Alloy's
 * defaults are action "replace", separator ";", regex "(.*)" and
 * replacement "$1". The regex is RE2 and anchored at both ends.
 * @public
 */
export interface AlloyRelabelRule {
  /** source_labels: labels whose values are joined with `separator` and matched against `regex`. */
  sourceLabels?: readonly string[];
  /** separator, default ";". */
  separator?: string;
  /** regex, RE2, default "(.*)"; for labelmap/labeldrop/labelkeep it is matched against label names. */
  regex?: string;
  /** modulus, a positive integer; hashmod only. */
  modulus?: number;
  /** target_label: the label written (replace, hashmod, lowercase, uppercase) or compared (keepequal, dropequal). */
  targetLabel?: string;
  /** replacement, default "$1"; may use capture groups ($1 or ${1}). */
  replacement?: string;
  /** action, default "replace". */
  action?: AlloyRelabelAction;
}

/** @public */
export interface DiscoveryRelabelOptions {
  label: string;
  /** targets, list(map(string)), required: e.g. discovery.kubernetes.pods.targets. */
  targets: AlloyTargetsRef;
  /** The `rule` blocks, applied top-down to each target's labels. */
  rules: readonly AlloyRelabelRule[];
  comment?: string;
}

/** The form of every `__meta_` label name discovery.kubernetes sets (sanitised; see below). */
const SANITISED_META = /^__meta_[a-zA-Z0-9_]*$/;
/**
 * Alloy's check of target_label (and of a labelmap replacement),
 * relabel.go's relabelTarget `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`,
 * rewritten to accept the same names without nested quantifiers, which
 * backtrack exponentially in JavaScript (Go's RE2 does not backtrack): a
 * letter, `_` or capture reference, then word characters or references.
 */
const RELABEL_TARGET =
  /^(?:[a-zA-Z_]|\$(?:\{\w+\}|\w))(?:\w|\$(?:\{\w+\}|\w))*$/;

function relabelRuleBlock(rule: AlloyRelabelRule, owner: string): AlloyBlock {
  const action = rule.action ?? 'replace';
  const fail = (why: string): never => {
    throw new InputError(`${owner}: rule with action "${action}" ${why}`);
  };
  // The checks follow Alloy's own validation of a rule (grafana/alloy
  // internal/component/common/relabel/relabel.go, Config.Validate), so a
  // rule Alloy would refuse at load time is refused here.
  const writes = ['replace', 'hashmod', 'lowercase', 'uppercase'];
  const compares = ['keepequal', 'dropequal'];
  if ([...writes, ...compares].includes(action)) {
    if (!rule.targetLabel) fail('needs targetLabel');
    if (action !== 'hashmod' && !RELABEL_TARGET.test(rule.targetLabel!)) {
      fail(
        `has targetLabel ${JSON.stringify(
          rule.targetLabel,
        )}, which is not a label name (capture references such as $1 allowed)`,
      );
    }
    if (
      action === 'hashmod' &&
      !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(rule.targetLabel!)
    ) {
      fail(
        `has targetLabel ${JSON.stringify(
          rule.targetLabel,
        )}, which is not a label name`,
      );
    }
  }
  if (action === 'hashmod') {
    if (
      rule.modulus === undefined ||
      !Number.isSafeInteger(rule.modulus) ||
      rule.modulus <= 0
    ) {
      fail('needs a positive integer modulus');
    }
  } else if (rule.modulus !== undefined) {
    fail('takes no modulus (hashmod only)');
  }
  if (
    ['labeldrop', 'labelkeep'].includes(action) &&
    (rule.sourceLabels !== undefined ||
      rule.targetLabel !== undefined ||
      rule.separator !== undefined ||
      rule.replacement !== undefined)
  ) {
    fail('takes only regex');
  }
  if (
    compares.includes(action) &&
    (rule.regex !== undefined ||
      rule.separator !== undefined ||
      rule.replacement !== undefined)
  ) {
    fail('takes only sourceLabels and targetLabel');
  }
  if (
    ['lowercase', 'uppercase'].includes(action) &&
    rule.replacement !== undefined
  ) {
    fail('takes no replacement');
  }
  if (action === 'labelmap' && rule.replacement !== undefined) {
    if (!RELABEL_TARGET.test(rule.replacement)) {
      fail(
        `has replacement ${JSON.stringify(
          rule.replacement,
        )}, which is not a label name (capture references such as $1 allowed)`,
      );
    }
  }
  for (const name of rule.sourceLabels ?? []) {
    if (name === '') fail('has an empty source label');
    // discovery.kubernetes names a Kubernetes label app.kubernetes.io/name
    // __meta_kubernetes_pod_label_app_kubernetes_io_name: "any unsupported
    // characters converted to an underscore" (Prometheus kubernetes_sd_config
    // docs; prometheus/prometheus discovery/kubernetes, addObjectMetaLabels
    // with strutil.SanitizeLabelName). A `__meta_` name holding a dot, slash
    // or dash would never match and the rule would silently do nothing.
    if (name.startsWith('__meta_') && !SANITISED_META.test(name)) {
      fail(
        `reads source label ${JSON.stringify(
          name,
        )}, which service discovery never sets: it replaces every character other than [a-zA-Z0-9_] in a meta label name with "_"`,
      );
    }
  }
  const body: AlloyAttribute[] = [];
  if (rule.sourceLabels !== undefined) {
    body.push(attr('source_labels', [...rule.sourceLabels]));
  }
  if (rule.separator !== undefined)
    body.push(attr('separator', rule.separator));
  if (rule.regex !== undefined) body.push(attr('regex', rule.regex));
  if (rule.modulus !== undefined) body.push(attr('modulus', rule.modulus));
  if (rule.targetLabel !== undefined) {
    body.push(attr('target_label', rule.targetLabel));
  }
  if (rule.replacement !== undefined) {
    body.push(attr('replacement', rule.replacement));
  }
  if (rule.action !== undefined) body.push(attr('action', rule.action));
  return block('rule', body);
}

/**
 * discovery.relabel: rewrites the labels of targets with `rule` blocks,
 * applied top-down (grafana/alloy
 * docs/sources/reference/components/discovery/discovery.relabel.md,
 * https://grafana.com/docs/alloy/latest/reference/components/discovery/discovery.relabel/).
 * Reference its `output` where targets are taken.
 * @public
 */
export function discoveryRelabel(
  opts: DiscoveryRelabelOptions,
): AlloyComponent<'discovery.relabel'> {
  const owner = `discovery.relabel "${opts.label}"`;
  assertTargets(opts.targets, owner);
  return {
    name: 'discovery.relabel',
    label: opts.label,
    body: [
      attr('targets', opts.targets),
      ...opts.rules.map(r => relabelRuleBlock(r, owner)),
    ],
    comment:
      opts.comment ??
      `Relabels ${opts.targets.component} "${opts.targets.label}" targets (${
        opts.rules.length
      } rule${opts.rules.length === 1 ? '' : 's'}).`,
  };
}
