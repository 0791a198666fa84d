/*
 * Runs concurrent viewers against the backend from a worker thread
 * (viewersWorker.mjs), so the client's CPU is not counted in the backend's
 * latency any more than two cores allow.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from '../../packages/backend/src/reliability/figureTable';

export interface ViewersOptions {
  baseUrl: string;
  /** Paths to request, in order; `concurrency` viewers share them. */
  paths: string[];
  concurrency: number;
  headers: Record<string, string>;
  /** Per-request time limit (default 10 s); a timeout counts as status 0. */
  timeoutMs?: number;
  /** Count the answers whose body contains this text. */
  marker?: string;
}

export interface ViewersRun {
  views: number;
  concurrency: number;
  elapsedMs: number;
  /** Completed views per second over the whole run. */
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Views answered with anything but 200 (0: no answer), by status. */
  failures: Record<string, number>;
  /** Answers whose body contained `marker`. */
  marked: number;
  /** Each view's time in ms, in the order of `paths`. */
  latencies: number[];
}

const WORKER = path.join(__dirname, 'viewersWorker.mjs');

export function runViewers(options: ViewersOptions): Promise<ViewersRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      workerData: { timeoutMs: 10_000, ...options },
    });
    worker.once('error', reject);
    worker.once(
      'message',
      (result: {
        latencies: Float64Array;
        statuses: Uint16Array;
        elapsedMs: number;
        marked: number;
      }) => {
        const latencies = Array.from(result.latencies);
        const failures: Record<string, number> = {};
        for (const status of result.statuses) {
          if (status !== 200) failures[status] = (failures[status] ?? 0) + 1;
        }
        resolve({
          views: latencies.length,
          concurrency: options.concurrency,
          elapsedMs: result.elapsedMs,
          perSecond: latencies.length / (result.elapsedMs / 1000),
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          failures,
          marked: result.marked,
          latencies,
        });
        worker.terminate().catch(() => undefined);
      },
    );
  });
}
