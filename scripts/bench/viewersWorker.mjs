/*
 * Concurrent viewers, on a worker thread of their own so the load they make
 * does not share an event loop with the backend they measure (see
 * viewers.ts). Each viewer asks for the next path as soon as its previous
 * answer is complete (a closed loop); every answer's time is kept, and
 * answers whose body holds `marker` are counted.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ baseUrl: string; paths: string[]; concurrency: number; headers: Record<string, string>; timeoutMs: number; marker?: string }} */
const { baseUrl, paths, concurrency, headers, timeoutMs, marker } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

/** One GET, answered when the whole body is in. */
function view(path) {
  return new Promise(resolve => {
    const started = performance.now();
    const req = http.get(
      new URL(path, baseUrl),
      { agent, headers, timeout: timeoutMs },
      res => {
        let body = '';
        if (marker) {
          res.setEncoding('utf8');
          res.on('data', chunk => {
            body += chunk;
          });
        } else {
          res.resume();
        }
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            marked: marker ? body.includes(marker) : false,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () =>
      resolve({ status: 0, ms: performance.now() - started, marked: false }),
    );
  });
}

const latencies = new Float64Array(paths.length);
const statuses = new Uint16Array(paths.length);
let marked = 0;
let next = 0;
async function viewer() {
  while (next < paths.length) {
    const i = next++;
    const answer = await view(paths[i]);
    latencies[i] = answer.ms;
    statuses[i] = answer.status;
    if (answer.marked) marked += 1;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, viewer));
const elapsedMs = performance.now() - started;
agent.destroy();
parentPort.postMessage({ latencies, statuses, elapsedMs, marked });
