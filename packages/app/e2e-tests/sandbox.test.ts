import { test, expect } from '@playwright/test';
import { createHavenService, shot, sidebar, signIn } from './support';

/*
 * What a newcomer sees in the local sandbox: guest sign-in, the catalog with
 * the example entities, an entity page with its Kubernetes tab answered by the
 * cluster double, and the Create page. Screenshots land in
 * e2e-test-report/screenshots/ for a person to look at.
 */

test.beforeEach(async ({ page }) => signIn(page));

test('the catalog lists the example entities', async ({ page }) => {
  await sidebar(page)
    .getByRole('link', { name: 'Catalog', exact: true })
    .click();
  await expect(
    page.getByRole('heading', { name: /Haven\+ sandbox Catalog/ }),
  ).toBeVisible();

  const table = page.getByRole('table');
  await expect(
    table.getByRole('link', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();
  await expect(
    table.getByRole('link', { name: 'Haven+ for Backstage' }),
  ).toBeVisible();

  await shot(page, '01-catalog');

  await page.goto('/?filters[kind]=system&filters[user]=all');
  await expect(
    page
      .getByRole('table')
      .getByRole('link', { name: 'Open WebUI', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('table').getByRole('link', { name: 'Haven+ platform' }),
  ).toBeVisible();
});

test('an Open WebUI entity page shows its owner, system and its cluster on the Kubernetes tab', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/open-webui-voorbeeld');
  await expect(
    page.getByRole('heading', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();
  const about = page
    .getByRole('article')
    .filter({ has: page.getByRole('heading', { name: 'About' }) });
  await expect(
    about.getByText(
      'Open WebUI for customer Voorbeeld, logs kept in NL object storage.',
    ),
  ).toBeVisible();
  await expect(
    about.getByRole('link', { name: 'Haven platform team' }),
  ).toBeVisible();
  await expect(
    about.getByRole('link', { name: 'Open WebUI', exact: true }),
  ).toBeVisible();
  await shot(page, '02-entity-overview');

  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Kubernetes' })
    .click();
  await expect(page).toHaveURL(/\/open-webui-voorbeeld\/kubernetes$/);
  // The cluster double answered every list call: no fetch error. It holds the
  // app's Flux and External Secrets objects but no workloads (no pods).
  await expect(page.getByText('Haven sandbox (double)')).toBeVisible();
  await expect(page.getByText('0 pods')).toBeVisible();
  await expect(page.getByText('No pods with errors')).toBeVisible();
  await expect(page.getByText(/error/i)).toHaveCount(1); // "No pods with errors"
  await shot(page, '03-entity-kubernetes');
});

test('Create provisions an app in the Vault double and shows the plan, never the secret', async ({
  page,
}) => {
  const supplied = 'e2e-supplied-secret-3b7d1f';
  // A fresh app per attempt, so a retry also sees its secrets created.
  const app = `e2e-webui-${Date.now().toString(36)}`;
  await sidebar(page)
    .getByRole('link', { name: 'Create', exact: true })
    .click();
  await expect(
    page.getByRole('heading', { name: 'Create', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText('Provision an app in Vault')).toBeVisible();
  await shot(page, '04-create');

  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Provision an app in Vault' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('textbox', { name: /App name/ }).fill(app);
  await page
    .getByRole('textbox', { name: /Kubernetes namespace/ })
    .fill('voorbeeld');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByText('Generated secrets').first()).toBeVisible();
  await page
    .getByRole('textbox', { name: /Supplied secret name/ })
    .fill('api-key');
  await page.getByLabel(/Supplied secret value/).fill(supplied);
  await shot(page, '05-create-form');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(
    page.getByRole('link', { name: 'Secrets in Vault' }),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText(`Role haven-voorbeeld.${app}`, { exact: false }).first(),
  ).toBeVisible();
  const showLogs = page.getByRole('button', { name: /Show Logs/i });
  if (await showLogs.isVisible()) await showLogs.click();
  await expect(
    page.getByText(`Vault plan for voorbeeld/${app}`, { exact: false }).first(),
  ).toBeVisible();
  await expect(
    page.getByText(`secret apps/voorbeeld/${app}/session-key: create`).first(),
  ).toBeVisible();
  await expect(
    page
      .getByText(`secret apps/voorbeeld/${app}/api-key: created, version 1`)
      .first(),
  ).toBeVisible();
  expect(await page.content()).not.toContain(supplied);
  await shot(page, '06-create-task');
});

test('Create a Haven+ service opens a pull request on the fleet repository double', async ({
  page,
  request,
}) => {
  const supplied = 'e2e-openai-key-5c2e8a91';
  const app = `e2e-svc-${Date.now().toString(36)}`;
  await createHavenService(page, {
    app,
    description: 'Open WebUI for an end-to-end test',
    suppliedValue: supplied,
    hostname: `${app}.chat.haven.example.nl`,
    shots: {
      first: '08-service-form-1',
      chart: '08b-service-form-2-profile',
      secrets: '09-service-form-3',
    },
  });

  const pr = page.getByRole('link', { name: 'Pull request' });
  await expect(pr).toBeVisible({ timeout: 90_000 });
  await expect(pr).toHaveAttribute(
    'href',
    /^http:\/\/127\.0\.0\.1:7103\/haven-fleet\/fleet\/pull\/[0-9]+$/,
  );
  await expect(
    page.getByRole('link', { name: 'Secrets in Vault' }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Open the component' }),
  ).toBeVisible();
  expect(await page.content()).not.toContain(supplied);
  await shot(page, '10-service-task');

  // Read the pull request back from the GitHub double, as GitHub's API serves it.
  const auth = { authorization: 'token haven-sandbox-github-not-a-secret' };
  const pulls = await (
    await request.get(
      'http://127.0.0.1:7103/repos/haven-fleet/fleet/pulls?state=all',
      { headers: auth },
    )
  ).json();
  const mine = pulls.filter(
    (p: { head: { ref: string } }) =>
      p.head.ref === `haven/haven-sandbox/${app}`,
  );
  expect(mine).toHaveLength(1);
  const read = async (file: string) => {
    const res = await request.get(
      `http://127.0.0.1:7103/repos/haven-fleet/fleet/contents/${file}?ref=${encodeURIComponent(
        mine[0].head.ref,
      )}`,
      { headers: { ...auth, accept: 'application/vnd.github.raw' } },
    );
    expect([file, res.status()]).toEqual([file, 200]);
    return res.text();
  };
  const release = await read(`apps/haven-sandbox/${app}/helmrelease.yaml`);
  expect(release).toContain(`backstage.io/kubernetes-id: ${app}`);
  // The Open WebUI profile: its OTel switch, the key through the chart's
  // existing-Secret values, the pods labelled.
  expect(release).toContain('name: ENABLE_OTEL\n');
  expect(release).toContain(`openaiApiKeyExistingSecret: ${app}-vault`);
  expect(release).toContain('openaiApiKeyExistingSecretKey: OPENAI_API_KEY');
  expect(release).toContain('podLabels:');
  expect(release).not.toContain(supplied);
  expect(
    await read('clusters/haven-sandbox/apps/kustomization.yaml'),
  ).toContain(`- ${app}.yaml`);
});

test('the Installed Actions page documents the haven actions', async ({
  page,
}) => {
  await page.goto('/create/actions');
  await page
    .getByRole('searchbox', { name: 'Search for an action' })
    .fill('haven');
  const row = page
    .getByRole('grid', { name: 'Installed actions' })
    .getByRole('row', {
      name: /^haven:vault:provision Provisions an app in Vault/,
    });
  await expect(row).toBeVisible();
  for (const id of ['haven:gitops:render', 'haven:gitops:register']) {
    await expect(
      page
        .getByRole('grid', { name: 'Installed actions' })
        .getByRole('row', { name: new RegExp(`^${id} `) }),
    ).toBeVisible();
  }
  await shot(page, '07-installed-actions');
});
