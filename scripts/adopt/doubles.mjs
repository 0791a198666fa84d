#!/usr/bin/env node
/**
 * node scripts/adopt/doubles.mjs <env-file>
 *
 * Starts the sandbox's contract doubles (packages/haven-sandbox) on free
 * loopback ports, so that `yarn test:adopt` can run beside a running sandbox
 * (which holds 7101-7106), and writes the environment variables of
 * docs/install.md ("Configuration") that point at them to <env-file>, as
 * `export NAME=value` lines. Runs until SIGTERM or SIGINT.
 */
import { writeFileSync } from 'node:fs';
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

registerEsm();
registerCjs();

const envFile = process.argv[2];
if (!envFile) {
  console.error('usage: doubles.mjs <env-file>');
  process.exit(2);
}

const { startSandboxDoubles, SANDBOX_DOUBLES } = await import(
  '../../packages/haven-sandbox/src/sandbox.ts'
);
const sandbox = await startSandboxDoubles({ anyPort: true });

const env = {
  K8S_CLUSTER_NAME: SANDBOX_DOUBLES.kubernetes.clusterName,
  K8S_API_URL: sandbox.urls.kubernetes,
  K8S_SERVICE_ACCOUNT_TOKEN: SANDBOX_DOUBLES.kubernetes.token,
  VAULT_ADDR: sandbox.urls.vault,
  VAULT_TOKEN: SANDBOX_DOUBLES.vault.backstageToken,
  // The fleet repository held by the GitHub double (not read by the checks).
  FLEET_REPO_URL: `https://github.com/${SANDBOX_DOUBLES.github.fleetRepo.owner}/${SANDBOX_DOUBLES.github.fleetRepo.name}`,
  LOKI_URL: sandbox.urls.loki,
  TEMPO_URL: sandbox.urls.tempo,
  TELEMETRY_TENANT: SANDBOX_DOUBLES.loki.tenant,
  // No Grafana runs here: the cards only build links to it.
  GRAFANA_URL: 'https://grafana.haven-sandbox.example.nl',
};
const quote = value => `'${String(value).replace(/'/g, `'\\''`)}'`;
writeFileSync(
  envFile,
  `${Object.entries(env)
    .map(([name, value]) => `export ${name}=${quote(value)}`)
    .join('\n')}\n`,
);
for (const [name, url] of Object.entries(sandbox.urls)) {
  console.log(`[adopt doubles] ${name} double on ${url}`);
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sandbox.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
