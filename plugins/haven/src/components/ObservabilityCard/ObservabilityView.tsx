import {
  getCompoundEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { ErrorPanel, Progress, WarningPanel } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  telemetryFromEntity,
  telemetryLinks,
  datasourcesForTenant,
  type TelemetryLinks,
} from '@haven-plus/plugin-haven-common';
import Box from '@material-ui/core/Box';
import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { useMemo, useState, type ReactNode } from 'react';
import { havenApiRef } from '../../api/HavenClient';
import {
  TELEMETRY_WINDOWS,
  type LogBucket,
  type LogsSection,
  type TelemetrySectionProblem,
  type TelemetryWindow,
  type TracesSection,
} from '../../api/types';
import { StateLabel } from '../common/StateLabel';
import { formatTime } from '../common/time';
import { useAsyncValue } from '../common/useAsyncValue';
import { readGrafanaLinkSettings } from './grafanaConfig';

/** How many traces each variant shows. */
const LIMITS = {
  card: { traces: 5 },
  content: { traces: 50 },
};

type Variant = keyof typeof LIMITS;

function ExternalLink(props: { href: string; children: ReactNode }) {
  return (
    <Link href={props.href} target="_blank" rel="noopener noreferrer">
      {props.children}
    </Link>
  );
}

function Unavailable(props: {
  what: string;
  upstream: string;
  section: TelemetrySectionProblem;
}) {
  const { what, upstream, section } = props;
  return (
    <WarningPanel
      defaultExpanded
      severity={section.status === 'error' ? 'warning' : 'info'}
      title={
        section.status === 'error'
          ? `${what} could not be read from ${upstream}`
          : `${what} are not configured`
      }
      message={section.message}
    />
  );
}

/** `42 ms`, `1.5 s`, `12.3 s`: short enough for a narrow column. */
function formatDurationMs(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1000) return `${rounded} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `08-22 09:30:05`: the start of a trace in a narrow column (UTC, as the header says). */
function formatShortTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return new Date(ms).toISOString().slice(5, 19).replace('T', ' ');
}

/*
 * The traces table lays its columns out fixed: the root span (its name, and
 * its service beneath) takes what the others leave and cuts long names with
 * an ellipsis (the whole name is its title), so Started, Duration, Status
 * and Trace keep their narrow widths whatever the span names are.
 */
const useTraceTableStyles = makeStyles({
  table: { tableLayout: 'fixed', width: '100%' },
  clip: {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  narrow: { whiteSpace: 'nowrap', paddingLeft: 8, paddingRight: 8 },
  started: { width: '7.5rem' },
  duration: { width: '5rem' },
  status: { width: '5.5rem' },
  trace: { width: '8rem', fontFamily: 'monospace' },
});

function traceLink(
  links: TelemetryLinks | undefined,
  traceId: string,
): string | undefined {
  try {
    return links?.traceById(traceId);
  } catch {
    return undefined; // not a hex trace id: shown as text
  }
}

function Traces(props: {
  section: TracesSection;
  links?: TelemetryLinks;
  timeWindow: TelemetryWindow;
  limit: number;
}) {
  const { section, links, timeWindow, limit } = props;
  const classes = useTraceTableStyles();
  if (section.status !== 'ok') {
    return <Unavailable what="Traces" upstream="Tempo" section={section} />;
  }
  if (section.traces.length === 0) {
    return (
      <Typography variant="body2">
        No traces in the last {timeWindow}.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Recent traces" className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>Root span</TableCell>
          <TableCell className={`${classes.started} ${classes.narrow}`}>
            Started (UTC)
          </TableCell>
          <TableCell
            align="right"
            className={`${classes.duration} ${classes.narrow}`}
          >
            Duration
          </TableCell>
          <TableCell className={`${classes.status} ${classes.narrow}`}>
            Status
          </TableCell>
          <TableCell className={`${classes.trace} ${classes.narrow}`}>
            Trace
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {section.traces.slice(0, limit).map(trace => {
          const href = traceLink(links, trace.traceId);
          const shortId = trace.traceId.slice(0, 12);
          const rootName = trace.rootName || '(no root span)';
          return (
            <TableRow key={trace.traceId}>
              <TableCell>
                <div className={classes.clip} title={rootName}>
                  {rootName}
                </div>
                {trace.rootService && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                    className={classes.clip}
                    title={trace.rootService}
                  >
                    {trace.rootService}
                  </Typography>
                )}
              </TableCell>
              <TableCell
                className={classes.narrow}
                title={formatTime(trace.start)}
              >
                {formatShortTime(trace.start)}
              </TableCell>
              <TableCell align="right" className={classes.narrow}>
                {formatDurationMs(trace.durationMs)}
              </TableCell>
              <TableCell className={classes.narrow}>
                <StateLabel
                  tone={trace.error ? 'error' : 'ok'}
                  label={trace.error ? 'Error' : 'OK'}
                />
              </TableCell>
              <TableCell className={classes.narrow}>
                {href ? (
                  <ExternalLink href={href}>{shortId}</ExternalLink>
                ) : (
                  shortId
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function LogVolume(props: { buckets: LogBucket[] }) {
  const theme = useTheme();
  const { buckets } = props;
  if (buckets.length === 0) return null;
  const max = Math.max(1, ...buckets.map(b => b.total));
  return (
    <Box
      role="img"
      aria-label={`Log volume in ${buckets.length} buckets, at most ${max} lines per bucket; the error part of each bar is in the error colour`}
      display="flex"
      alignItems="flex-end"
      height={56}
      mt={1}
      style={{ gap: 2 }}
    >
      {buckets.map(bucket => (
        <Box
          key={bucket.time}
          data-testid="log-bucket"
          title={`${formatTime(bucket.time)}: ${bucket.total} lines, ${
            bucket.errors
          } errors`}
          flex={1}
          display="flex"
          flexDirection="column"
          justifyContent="flex-end"
          height={`${(bucket.total / max) * 100}%`}
          minHeight={bucket.total > 0 ? 2 : 0}
          style={{ backgroundColor: theme.palette.action.selected }}
        >
          {bucket.errors > 0 && (
            <Box
              height={`${Math.min(1, bucket.errors / bucket.total) * 100}%`}
              minHeight={2}
              style={{ backgroundColor: theme.palette.error.main }}
            />
          )}
        </Box>
      ))}
    </Box>
  );
}

/** Loki's levels, most severe first; others follow by name. */
const LEVEL_ORDER = [
  'critical',
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'unknown',
];

function levelRank(level: string): number {
  const rank = LEVEL_ORDER.indexOf(level);
  return rank < 0 ? LEVEL_ORDER.length : rank;
}

function Logs(props: { section: LogsSection; timeWindow: TelemetryWindow }) {
  const { section, timeWindow } = props;
  if (section.status !== 'ok') {
    return <Unavailable what="Logs" upstream="Loki" section={section} />;
  }
  const levels = Object.entries(section.levels ?? {})
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => levelRank(a) - levelRank(b) || a.localeCompare(b));
  return (
    <>
      <Typography variant="body2">
        <strong>{section.total}</strong> log lines,{' '}
        <strong>{section.errors}</strong> errors in the last {timeWindow}
      </Typography>
      {levels.length > 0 && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          aria-label="Log lines per level"
        >
          {levels.map(([level, count]) => `${level} ${count}`).join(' · ')}
        </Typography>
      )}
      <LogVolume buckets={section.buckets} />
    </>
  );
}

function GrafanaLinks(props: { links?: TelemetryLinks; problem?: string }) {
  const { links, problem } = props;
  if (!links) {
    return (
      <Typography variant="body2" color="textSecondary">
        {problem}
      </Typography>
    );
  }
  const items: Array<[string, string]> = [
    ['Traces', links.tracesAll],
    ['Error traces', links.tracesErrors],
    ['Slow traces (> 1s)', links.tracesSlow],
    ['Logs', links.logsAll],
    ['Error logs', links.logsErrors],
    ['Request rate', links.metrics],
  ];
  return (
    <Box
      component="nav"
      aria-label="Grafana Explore"
      display="flex"
      flexWrap="wrap"
      style={{ gap: 16 }}
    >
      {items.map(([label, href]) => (
        <ExternalLink key={label} href={href}>
          {label}
        </ExternalLink>
      ))}
    </Box>
  );
}

function SectionTitle(props: { children: ReactNode }) {
  return (
    <Typography variant="subtitle1" component="h3">
      <Box mt={3} mb={1} component="span" display="block">
        {props.children}
      </Box>
    </Typography>
  );
}

/**
 * Explore links plus recent traces and log volume of an entity that has a
 * telemetry identity; each section shows its own failure.
 */
export function ObservabilityView(props: { entity: Entity; variant: Variant }) {
  const { entity, variant } = props;
  const limits = LIMITS[variant];
  const identity = telemetryFromEntity(entity);
  const configApi = useApi(configApiRef);
  const havenApi = useApi(havenApiRef);
  const [timeWindow, setTimeWindow] = useState<TelemetryWindow>('1h');

  const settings = useMemo(
    () => readGrafanaLinkSettings(configApi),
    [configApi],
  );
  const { links, problem } = useMemo((): {
    links?: TelemetryLinks;
    problem?: string;
  } => {
    if (!settings.grafana) return { problem: settings.problem };
    if (!identity) return { problem: 'The entity has no telemetry identity.' };
    try {
      return {
        links: telemetryLinks(
          identity,
          {
            ...settings.grafana,
            // A team's tenant has its own datasources (per-team tenancy).
            datasources: datasourcesForTenant(
              settings.grafana.datasources,
              identity.tenant,
              settings.defaultTenant,
            ),
          },
          { range: { from: `now-${timeWindow}`, to: 'now' } },
        ),
      };
    } catch (e) {
      return {
        problem: `No Grafana links: ${
          e instanceof Error ? e.message : String(e)
        }`,
      };
    }
    // identity is derived from the entity
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings, entity, timeWindow]);

  const entityRef = stringifyEntityRef(entity);
  const data = useAsyncValue(
    () => havenApi.getTelemetry(getCompoundEntityRef(entity), timeWindow),
    // entity identity is its ref
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [havenApi, entityRef, timeWindow],
  );

  return (
    <>
      <Box
        display="flex"
        justifyContent="space-between"
        alignItems="center"
        flexWrap="wrap"
        mb={2}
        style={{ gap: 16 }}
      >
        <Typography variant="body2">
          Service <strong>{identity?.serviceName}</strong>
          {identity?.serviceNamespace
            ? ` in namespace ${identity.serviceNamespace}`
            : ''}
        </Typography>
        <TextField
          select
          id={`haven-telemetry-window-${variant}`}
          label="Time window"
          size="small"
          variant="outlined"
          value={timeWindow}
          onChange={e => {
            const chosen = TELEMETRY_WINDOWS.find(w => w === e.target.value);
            if (chosen) setTimeWindow(chosen);
          }}
          SelectProps={{ native: true }}
        >
          {TELEMETRY_WINDOWS.map(w => (
            <option key={w} value={w}>
              Last {w}
            </option>
          ))}
        </TextField>
      </Box>
      <GrafanaLinks links={links} problem={problem} />
      {data.loading && (
        <Box mt={2}>
          <Progress />
        </Box>
      )}
      {data.error && (
        <Box mt={2}>
          <ErrorPanel
            defaultExpanded
            title="Could not load traces and logs from haven-backend"
            error={data.error}
          />
        </Box>
      )}
      {data.value && (
        <>
          <SectionTitle>Recent traces</SectionTitle>
          <Traces
            section={data.value.traces}
            links={links}
            timeWindow={timeWindow}
            limit={limits.traces}
          />
          <SectionTitle>Log volume</SectionTitle>
          <Logs section={data.value.logs} timeWindow={timeWindow} />
        </>
      )}
    </>
  );
}
