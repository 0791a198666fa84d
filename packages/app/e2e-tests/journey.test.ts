import { test, expect } from '@playwright/test';
import { createHavenService, explorePane, shot, signIn } from './support';

/*
 * The whole journey a developer makes in the sandbox: Create a Haven+
 * service, watch the task, follow its pull request link to the GitHub
 * double's page and merge it, then open the new component's entity page and
 * find its delivery chain (applied by the sandbox's Flux stand-in from the
 * merged branch, with the secrets the task put in the Vault double) and its
 * observability links.
 */

test('Create → pull request → merge → entity page with its delivery chain and telemetry links', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const supplied = 'journey-openai-key-9d41c7e2';
  const app = `journey-${Date.now().toString(36)}`;

  await signIn(page);

  // 1. Create.
  await createHavenService(page, {
    app,
    description: 'Open WebUI made by the journey test',
    suppliedValue: supplied,
  });

  // 2. The task finishes with its links.
  const prLink = page.getByRole('link', { name: 'Pull request' });
  await expect(prLink).toBeVisible({ timeout: 90_000 });
  const prUrl = await prLink.getAttribute('href');
  expect(prUrl).toMatch(
    /^http:\/\/127\.0\.0\.1:7103\/haven-fleet\/fleet\/pull\/[0-9]+$/,
  );
  expect(await page.content()).not.toContain(supplied);

  // 3. Follow the pull request link: the change is there; merge it.
  await page.goto(prUrl!);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(app);
  const files = page.getByRole('table', { name: 'Files changed' });
  await expect(
    files.getByText(`apps/haven-sandbox/${app}/helmrelease.yaml`),
  ).toBeVisible();
  await expect(
    files.getByText(`apps/haven-sandbox/${app}/externalsecret.yaml`),
  ).toBeVisible();
  await expect(
    files.getByText('clusters/haven-sandbox/apps/kustomization.yaml'),
  ).toBeVisible();
  expect(await page.content()).not.toContain(supplied);
  await shot(page, '12-journey-pull-request');
  await page.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(page.getByText('Merged', { exact: true })).toBeVisible();

  // 4. The component appears in the catalog once the merged file is read.
  const entityPath = `/catalog/default/component/${app}`;
  await expect(async () => {
    await page.goto(entityPath);
    await expect(
      page.getByRole('heading', { name: app, exact: true }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000, intervals: [3_000] });

  // 5. Its delivery chain: Flux applied the merged revision, the store is
  // valid, the secret synced from the two keys the task put in Vault.
  const delivery = page.getByRole('table', {
    name: 'Delivery objects in Haven sandbox (double)',
  });
  await expect(async () => {
    await page.reload();
    await expect(delivery).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  const row = (name: string) =>
    delivery
      .getByRole('row')
      .filter({ has: page.getByText(name, { exact: true }) });
  // The app's Flux Kustomization, in flux-system, found by its label.
  await expect(row(`Kustomization/${app}`)).toContainText('flux-system');
  await expect(row(`Kustomization/${app}`)).toContainText('Ready');
  await expect(row(`Kustomization/${app}`)).toContainText(/main@[0-9a-f]{12}/);
  await expect(row(`HelmRelease/${app}`)).toContainText('Ready');
  await expect(row(`SecretStore/${app}-vault`)).toContainText('Valid');
  const secret = row(`ExternalSecret/${app}-vault`);
  await expect(secret).toContainText('Synced');
  await expect(secret).toContainText(`Secret ${app}-vault`);
  await expect(secret).toContainText('webui-secret-key v1');
  await expect(secret).toContainText('openai-api-key v1');

  // 6. Its telemetry links point at its own service in Tempo and Loki.
  const traces = explorePane(
    await page
      .getByRole('link', { name: 'Traces', exact: true })
      .getAttribute('href'),
  );
  expect(traces.datasource.uid).toBe('haven-tempo');
  expect(traces.query).toContain(`resource.service.name = "${app}"`);
  const logs = explorePane(
    await page
      .getByRole('link', { name: 'Error logs', exact: true })
      .getAttribute('href'),
  );
  expect(logs.datasource.uid).toBe('haven-loki');
  expect(logs.expr).toContain(`service_name="${app}"`);
  expect(await page.content()).not.toContain(supplied);
  await shot(page, '13-journey-entity-page');
});
