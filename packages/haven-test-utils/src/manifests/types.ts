/** One thing wrong with a manifest. */
export interface ManifestProblem {
  /** JSON pointer into the document, e.g. /spec/chart/spec/sourceRef/kind; '' for the whole document. */
  path: string;
  /** Human-readable, e.g. `unknown field "bucketnames"`. */
  message: string;
}

/** A problem found by validateYaml: which document of the stream it is in. */
export interface YamlManifestProblem extends ManifestProblem {
  /** 0-based index of the YAML document in the stream. */
  document: number;
  /** `file#index Kind name`, e.g. `kustomization.yaml#2 HelmRelease team-a/orders`. */
  where: string;
}

/**
 * A check of the schema the validator does not run: a CEL rule
 * (x-kubernetes-validations), or a pattern JavaScript cannot compile
 * (Go RE2 syntax).
 */
export interface SkippedRule {
  type: 'x-kubernetes-validations' | 'pattern';
  /** JSON-pointer-like schema location; `*` for map values, `[]` for list items. */
  path: string;
  /** The CEL expression, or the pattern. */
  rule: string;
  message?: string;
}

/**
 * - Namespaced / Cluster: an API object, and where it lives.
 * - File: not an API object, a build input read by a tool (kustomization.yaml).
 */
export type ManifestScope = 'Namespaced' | 'Cluster' | 'File';

export interface KnownKind {
  apiVersion: string;
  kind: string;
  scope: ManifestScope;
  /** Where the schema comes from: a CRD file name, or the hand-written source it cites. */
  source: string;
  /** Checks of this schema that are not run: CEL rules above all (empty when there are none). */
  skippedRules: SkippedRule[];
}

export interface ManifestValidator {
  /** Every problem of one parsed document (an object); [] when it is valid. */
  validate(doc: unknown): ManifestProblem[];
  /**
   * Parses a multi-document YAML stream and validates each document. YAML
   * syntax errors are problems too. Empty documents are skipped. With a
   * fileName of kustomization.yaml (or .yml, or Kustomization), a document
   * without apiVersion (and without kind, or kind Kustomization) is read as a
   * kustomize Kustomization, as kustomize itself does.
   */
  validateYaml(text: string, fileName?: string): YamlManifestProblem[];
  /** The apiVersion/kind pairs this validator knows, with their scope. */
  knownKinds(): KnownKind[];
}
