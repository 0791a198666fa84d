import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../lib/chromium';

/**
 * The browser part of `yarn test:adopt`: the created app, served by its own
 * backend at ADOPT_BASE_URL (scripts/adopt/run.sh starts it), in Debian's
 * Chromium (HAVEN_CHROMIUM overrides it). No web server is started here.
 */
const report =
  process.env.ADOPT_REPORT ?? resolve(__dirname, '../../e2e-test-report/adopt');

export default defineConfig({
  testDir: __dirname,
  testMatch: 'adopt.spec.ts',
  timeout: 120_000,
  expect: { timeout: 45_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    [
      'json',
      {
        outputFile: resolve(
          report,
          process.env.ADOPT_PLAYWRIGHT_JSON ?? 'playwright.json',
        ),
      },
    ],
  ],
  outputDir: resolve(report, 'artifacts'),
  use: {
    baseURL: process.env.ADOPT_BASE_URL,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions(),
  },
});
