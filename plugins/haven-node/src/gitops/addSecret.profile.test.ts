import { parse } from 'yaml';
import { addSecretToHelmRelease } from './addSecret';

/** A release as haven:gitops:render writes it for the Open WebUI profile (trimmed). */
const RELEASE = `# open-webui-voorbeeld itself
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: open-webui-voorbeeld
  namespace: voorbeeld
  annotations:
    haven.plus/app-profile: open-webui
spec:
  values:
    pipelines:
      enabled: false
    openaiApiKey: ""
    extraEnvVars:
      - name: WEBUI_SECRET_KEY
        valueFrom:
          secretKeyRef:
            name: open-webui-voorbeeld-vault
            key: WEBUI_SECRET_KEY
      - name: ENABLE_OTEL
        value: "true"
`;

const add = (text: string, name: string) =>
  addSecretToHelmRelease(text, {
    envValuesPath: 'extraEnvVars',
    name,
    secretName: 'open-webui-voorbeeld-vault',
  });

describe('addSecretToHelmRelease on a release rendered with a profile', () => {
  it('puts a key the chart takes through its own values there, not in the environment, once', () => {
    const first = add(RELEASE, 'OPENAI_API_KEY');
    expect(first.changed).toBe(true);
    const values = parse(first.text).spec.values;
    expect(values).toMatchObject({
      openaiApiKeyExistingSecret: 'open-webui-voorbeeld-vault',
      openaiApiKeyExistingSecretKey: 'OPENAI_API_KEY',
    });
    expect(values.extraEnvVars.map((e: { name: string }) => e.name)).toEqual([
      'WEBUI_SECRET_KEY',
      'ENABLE_OTEL',
    ]);
    expect(first.text.startsWith('# open-webui-voorbeeld itself\n')).toBe(true);
    expect(add(first.text, 'OPENAI_API_KEY')).toEqual({
      text: first.text,
      changed: false,
    });
  });

  it('refuses a variable the chart sets itself', () => {
    expect(() => add(RELEASE, 'REDIS_URL')).toThrow(
      'helmrelease.yaml: the Open WebUI chart sets REDIS_URL itself; choose another environment variable name',
    );
  });

  it('adds any other key to the environment after the other secrets', () => {
    const result = add(RELEASE, 'ANTHROPIC_API_KEY');
    expect(
      parse(result.text).spec.values.extraEnvVars.map(
        (e: { name: string }) => e.name,
      ),
    ).toEqual(['WEBUI_SECRET_KEY', 'ANTHROPIC_API_KEY', 'ENABLE_OTEL']);
  });
});
