import { looksLikeYamlValue, parseCommentedKeys } from './commentedKeys';

// A values.yaml in miniature, with the comment styles the real charts use.
const VALUES = `
storage:
  # Please provide these values if you use object storage.
  # bucketNames:
  #   chunks: FIXME
  #   ruler: FIXME
  type: s3
# -- Deployment mode lets you specify how to deploy.
# Note: SimpleScalable REQUIRES object storage.
# Ref: https://grafana.com/docs/loki/latest/get-started/deployment-modes/
deploymentMode: Monolithic
# Note: the bucket must exist before install
buckets: {}
resources: {}
#  limits:
#    cpu: 100m
securityContext: {}
  # allowPrivilegeEscalation: false
  #  capabilities:
  #    drop: []
  # readOnlyRootFilesystem: true
config: |
  # notAKey: this line is text of a block scalar
  value: 1
global:
  imageRegistry: null
  # global:
  #   imagePullSecrets: []
service:
  port: 80
  # targetPort: 4181 To be used with a proxy extraContainer
sidecar:
  resources: {}
#   limits:
#     cpu: 100m
  enabled: true
extraObjects: []
# Examples:
# extraObjects:
# - apiVersion: v1
#   kind: Secret
`;

describe('parseCommentedKeys', () => {
  const found = parseCommentedKeys(VALUES);
  const paths = found.map(k => k.path);

  it('records commented keys placed under a real parent, with their commented children', () => {
    expect(found.filter(k => k.path.startsWith('storage.'))).toEqual([
      expect.objectContaining({ path: 'storage.bucketNames', shape: 'map' }),
      expect.objectContaining({
        path: 'storage.bucketNames.chunks',
        shape: 'scalar',
        line: 5,
      }),
      expect.objectContaining({ path: 'storage.bucketNames.ruler' }),
    ]);
  });

  it('reads both `# key` and `#  key` styles, one per block', () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        'resources.limits',
        'resources.limits.cpu',
        'securityContext.allowPrivilegeEscalation',
        'securityContext.readOnlyRootFilesystem',
      ]),
    );
  });

  it('rejects a line whose indentation breaks the block, and what is below it', () => {
    expect(paths).not.toContain('securityContext.capabilities');
    expect(paths.filter(p => p.includes('drop'))).toEqual([]);
  });

  it('treats prose as prose: helm-docs descriptions, sentences, headings', () => {
    for (const prose of ['Note', 'Ref', 'Examples', 'service.targetPort']) {
      expect(paths).not.toContain(prose);
    }
  });

  it('ignores block scalar text and examples that restate their parent', () => {
    expect(paths).not.toContain('notAKey');
    expect(paths.filter(p => p.startsWith('global.'))).toEqual([]);
  });

  it('does not move a comment under an empty map up to the map holding it', () => {
    expect(paths.filter(p => p.startsWith('sidecar'))).toEqual([]);
  });

  it('does not look inside commented list items', () => {
    expect(found.filter(k => k.path.startsWith('extraObjects'))).toEqual([
      expect.objectContaining({ path: 'extraObjects', shape: 'list' }),
    ]);
  });

  it('finds nothing else', () => {
    expect(paths).toHaveLength(8);
  });
});

describe('looksLikeYamlValue', () => {
  it.each([
    '',
    ' FIXME',
    ' ""',
    ' "0 * * * *"  # cron',
    ' {}',
    ' [a, b]',
    ' |',
    ' <your s3 bucket>   # a placeholder',
    ' certificates.crt # (optional)',
  ])('accepts %j', rest => expect(looksLikeYamlValue(rest)).toBe(true));

  it.each([
    ' this is important',
    ' monitoring  (defaults to the release namespace)',
    ' "unterminated',
  ])('rejects %j', rest => expect(looksLikeYamlValue(rest)).toBe(false));
});
