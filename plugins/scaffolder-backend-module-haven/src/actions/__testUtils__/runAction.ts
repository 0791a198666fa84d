import { mockServices } from '@backstage/backend-test-utils';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** One checkpoint that ran: its result, or the failure it threw. */
export type CheckpointRecord =
  | { key: string; result: unknown }
  | { key: string; failed: string };

/** Everything one run of an action left behind. */
export interface ActionRun {
  outputs: Record<string, unknown>;
  /** What the handler threw, if it threw. */
  error?: Error;
  /** Every logger call, as the JSON of its arguments, level by level (debug, info, warn, error). */
  logs: string[];
  /** The message (first argument) of every logger call, per level. */
  messages: Record<LogLevel, string[]>;
  /** The checkpoints that ran, in order, with their results and failures. */
  checkpoints: CheckpointRecord[];
  logger: ReturnType<typeof mockServices.logger.mock>;
}

export interface RunActionOptions {
  dryRun?: boolean;
  secrets?: Record<string, string>;
  workspacePath?: string;
  /**
   * A task's persisted checkpoint state: pass the same map to run the same
   * task again (a retry or a recovery). As the scaffolder does, a key that
   * succeeded before returns its stored result without running `fn`.
   */
  checkpointStore?: Map<string, unknown>;
  /** More context fields, such as `getInitiatorCredentials`; set last. */
  context?: Partial<ActionContext<JsonObject>>;
}

/**
 * Runs an action's handler once with a mock context (createMockActionContext
 * keeps only some fields; dry-run, checkpoints and outputs are set here) and
 * collects its outputs, log lines, checkpoints and error.
 */
export async function runAction(
  action: { handler: (ctx: never) => Promise<void> },
  input: JsonObject,
  opts: RunActionOptions = {},
): Promise<ActionRun> {
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
  const checkpoints: CheckpointRecord[] = [];
  const store = opts.checkpointStore;
  const ctx = {
    ...createMockActionContext({
      input,
      logger,
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
      ...(opts.workspacePath ? { workspacePath: opts.workspacePath } : {}),
    }),
    isDryRun: opts.dryRun ?? false,
    async checkpoint<T>({
      key,
      fn,
    }: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (store?.has(key)) return store.get(key) as T;
      try {
        const result = await fn();
        checkpoints.push({ key, result });
        store?.set(key, result);
        return result;
      } catch (e) {
        checkpoints.push({ key, failed: String(e) });
        throw e;
      }
    },
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    ...opts.context,
  };
  let error: Error | undefined;
  try {
    await action.handler(ctx as never);
  } catch (e) {
    error = e as Error;
  }
  const callsAt = (level: LogLevel) => (logger[level] as jest.Mock).mock.calls;
  const logs = LEVELS.flatMap(level =>
    callsAt(level).map(call => JSON.stringify(call)),
  );
  const messages = Object.fromEntries(
    LEVELS.map(level => [level, callsAt(level).map(call => String(call[0]))]),
  ) as Record<LogLevel, string[]>;
  return { outputs, error, logs, messages, checkpoints, logger };
}
