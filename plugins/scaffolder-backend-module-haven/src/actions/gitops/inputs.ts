import { InputError } from '@backstage/errors';

const VALUES_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** A chart value path such as `extraEnvVars` or `app.env`: keys joined by dots. */
export function envValuesPathOf(value: string, field: string): string {
  if (!VALUES_PATH.test(value) || value.length > 128) {
    throw new InputError(
      `Invalid ${field}: ${JSON.stringify(
        value.slice(0, 40),
      )} must be chart value keys joined by dots, e.g. extraEnvVars or app.env`,
    );
  }
  return value;
}

/** Default key of a secret in the synced Secret: `webui-secret-key` -> `WEBUI_SECRET_KEY`. */
export function defaultSecretKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
