import { formatManifestProblem } from './problems';
import type {
  ManifestProblem,
  ManifestValidator,
  YamlManifestProblem,
} from './types';

/**
 * For tests: throws an Error listing every problem of the manifests, or
 * returns when there is none. `docsOrYaml` is a YAML stream (string), one
 * parsed document, or an array of parsed documents.
 *
 * @example
 *   const validator = loadManifestValidator();
 *   expectValidManifests(validator, renderedYaml, 'apps/orders/release.yaml');
 */
export function expectValidManifests(
  validator: ManifestValidator,
  docsOrYaml: string | unknown,
  fileName?: string,
): void {
  let problems: YamlManifestProblem[];
  if (typeof docsOrYaml === 'string') {
    problems = validator.validateYaml(docsOrYaml, fileName);
  } else {
    const docs = Array.isArray(docsOrYaml) ? docsOrYaml : [docsOrYaml];
    problems = docs.flatMap((doc, index) =>
      validator.validate(doc).map(
        (p: ManifestProblem): YamlManifestProblem => ({
          ...p,
          document: index,
          where: `${fileName ?? 'doc'}#${index}`,
        }),
      ),
    );
  }
  if (problems.length === 0) return;
  const count = new Set(problems.map(p => p.document)).size;
  throw new Error(
    `${problems.length} manifest problem(s) in ${count} document(s):\n${problems
      .map(p => `  - ${formatManifestProblem(p)}`)
      .join('\n')}`,
  );
}
