/*
 * Messages between harness.ts and the doubles' worker thread (doublesThread.ts).
 */
import type { LokiFault, VaultFault } from '@haven-plus/haven-doubles';

export type Upstream = 'vault' | 'loki' | 'tempo' | 'kubernetes';

/** The KV keys under each bench app's path, as the sandbox's example component has. */
export const BENCH_SECRET_NAMES = ['webui-secret-key', 'openai-api-key'];
export type UpstreamCounts = Record<Upstream, number>;

/** What the doubles recorded of a request (no bodies, no tokens). */
export interface RecordedUpstreamRequest {
  method: string;
  path: string;
  status: number;
}

/**
 * A Vault, Loki or Tempo fault as a plain object (a RegExp `path` does not
 * cross threads). Loki and Tempo share one fault type.
 */
export type PlainFault = Omit<LokiFault, 'path'> &
  Omit<VaultFault, 'path'> & { path?: string };

export interface DoublesThreadData {
  kvMount: string;
  pathPrefix: string;
  /** Apps with the BENCH_SECRET_NAMES keys each under `<pathPrefix>/<name>/<name>/`. */
  entityNames: string[];
  /** The app whose Flux and ESO objects the Kubernetes double holds. */
  deliveryEntity?: string;
}

export type DoublesRequest =
  | { type: 'counts' }
  | { type: 'requests'; upstream: Upstream; from: number }
  | { type: 'inject'; upstream: Upstream; fault: PlainFault }
  | { type: 'remove'; id: number }
  | { type: 'stop' };

export interface DoublesReply {
  id: number;
  result?:
    | UpstreamCounts
    | RecordedUpstreamRequest[]
    | Record<Upstream, string>
    | number
    | undefined;
  error?: string;
}
