/**
 * haven-sandbox [-- <command> [args...]]
 *
 * Starts the local sandbox's doubles on loopback. With a command after `--`,
 * runs it once the doubles listen and stops them when it exits (how
 * `yarn start` runs Backstage beside them); without one, runs until stopped.
 */
import { spawn } from 'node:child_process';
import { startSandboxDoubles, SANDBOX_DOUBLES } from './sandbox';

async function main(argv: string[]) {
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : [];

  const sandbox = await startSandboxDoubles();
  console.log(
    `[haven-sandbox] Kubernetes API double (cluster "${SANDBOX_DOUBLES.kubernetes.clusterName}", example delivery states) on ${sandbox.urls.kubernetes}`,
  );
  console.log(
    `[haven-sandbox] Vault double (kv-apps/, auth/kubernetes/, templated policy haven-apps) on ${sandbox.urls.vault}`,
  );
  console.log(
    `[haven-sandbox] GitHub double (fleet repository haven-fleet/fleet, stands in for github.com) on ${sandbox.urls.github}`,
  );
  console.log(
    `[haven-sandbox] Loki double (6 h of open-webui-voorbeeld logs, tenant "${SANDBOX_DOUBLES.loki.tenant}" in X-Scope-OrgID) on ${sandbox.urls.loki}`,
  );
  console.log(
    `[haven-sandbox] Tempo double (1 h of open-webui-voorbeeld traces, tenant "${SANDBOX_DOUBLES.tempo.tenant}" in X-Scope-OrgID) on ${sandbox.urls.tempo}`,
  );
  console.log(
    `[haven-sandbox] Helm repository double (open-webui 8.22.1 and 16.0.0, read for ${SANDBOX_DOUBLES.helm.mirrors}) on ${sandbox.urls.helm}`,
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await sandbox.stop();
    process.exit(code);
  };

  if (command.length === 0) {
    console.log('[haven-sandbox] running; Ctrl-C stops them');
    process.on('SIGINT', () => void stop(0));
    process.on('SIGTERM', () => void stop(0));
    return;
  }

  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('error', error => {
    console.error(
      `[haven-sandbox] could not run ${command[0]}: ${error.message}`,
    );
    void stop(1);
  });
  child.on('exit', (code, signal) => void stop(code ?? (signal ? 1 : 0)));
}

main(process.argv.slice(2)).catch(error => {
  console.error(
    `[haven-sandbox] ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
