/*
 * The answer of `GET /entities/:kind/:namespace/:name/telemetry` is defined
 * once, in @haven-plus/plugin-haven-common (entityTelemetry.ts), for this
 * backend and the frontend plugin alike; the service imports it from there.
 * Kept for the plugin's route test, which reads the answer's type here.
 */
export type { EntityTelemetry } from '@haven-plus/plugin-haven-common';
