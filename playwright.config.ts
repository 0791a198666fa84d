import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/lib/chromium';

/**
 * End-to-end tests of the local sandbox in Debian's Chromium (no browser
 * download): `yarn start` runs the doubles, backend (:7007) and app (:3000),
 * as the README's sandbox command does. HAVEN_CHROMIUM overrides the browser.
 */

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: 'e2e-test-report/results.json' }],
    ['html', { open: 'never', outputFolder: 'e2e-test-report/html' }],
  ],
  outputDir: 'e2e-test-report/artifacts',

  webServer: {
    command: 'yarn start',
    url: 'http://localhost:3000',
    reuseExistingServer: !process.env.CI,
    // The dev bundle takes about a minute to compile on 2 cores.
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },

  use: {
    baseURL: 'http://localhost:3000',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions(),
  },
});
