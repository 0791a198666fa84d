import type { Entity } from '@backstage/catalog-model';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  FollowThroughView,
  StateTone,
} from '@haven-plus/plugin-haven-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { havenApiRef } from '../../api/HavenClient';
import { StateLabel } from '../common/StateLabel';
import { formatTime } from '../common/time';
import { useAsyncValue } from '../common/useAsyncValue';

const PR_STATE: Record<
  FollowThroughView['pullRequest']['state'],
  { label: string; tone: StateTone }
> = {
  open: { label: 'Open', tone: 'pending' },
  merged: { label: 'Merged', tone: 'ok' },
  closed: { label: 'Closed', tone: 'warning' },
};

/** What the follow-through came to, after the merge, in words. */
function outcomeText(view: FollowThroughView): {
  text: string;
  error: boolean;
} {
  const reason = view.reason ? `: ${view.reason}` : '';
  switch (view.outcome) {
    case 'ready':
      return { text: `Delivered, Ready and Synced${reason}`, error: false };
    case 'failed':
      return { text: `Delivery failed${reason}`, error: true };
    case 'timed-out':
      return { text: `Not delivered in time${reason}`, error: true };
    case 'closed':
      return {
        text: 'Closed without a merge: nothing was delivered',
        error: false,
      };
    case 'abandoned':
      return { text: `No longer followed${reason}`, error: false };
    default:
      return { text: view.reason ?? 'Waiting', error: false };
  }
}

function pullRequestName(url: string): string {
  const github = /\/pull\/([0-9]+)\/?$/.exec(url);
  if (github) return `Pull request #${github[1]}`;
  const gitlab = /\/-\/merge_requests\/([0-9]+)\/?$/.exec(url);
  return gitlab ? `Merge request !${gitlab[1]}` : 'Pull request';
}

/**
 * The first step of the chain: the entity's newest Haven+ pull request
 * (open, merged or closed) and what the follow-through saw after it. Nothing
 * when no pull request is followed; a caption when haven-backend cannot say.
 */
export function PullRequestStep(props: { entity: Entity; reloads: number }) {
  const { entity, reloads } = props;
  const havenApi = useApi(havenApiRef);
  const state = useAsyncValue(
    () => havenApi.getFollowThrough(getCompoundEntityRef(entity)),
    [havenApi, entity, reloads],
  );
  if (state.loading && !state.value) return null;
  if (state.error) {
    return (
      <Box mb={2}>
        <Typography variant="caption" color="textSecondary">
          The pull request step is unavailable: {state.error.message}
        </Typography>
      </Box>
    );
  }
  const view = state.value;
  if (!view) return null;
  const pr = PR_STATE[view.pullRequest.state];
  const outcome = outcomeText(view);
  const name = pullRequestName(view.pullRequest.url);
  return (
    <Box mb={3}>
      <Table size="small" aria-label="Pull request step">
        <TableBody>
          <TableRow style={{ verticalAlign: 'top' }}>
            <TableCell style={{ width: '30%', overflowWrap: 'anywhere' }}>
              <Typography variant="body2">
                <Link to={view.pullRequest.url}>{name}</Link>
              </Typography>
              {view.pullRequest.title && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {view.pullRequest.title}
                </Typography>
              )}
            </TableCell>
            <TableCell style={{ width: '9rem' }}>
              <StateLabel tone={pr.tone} label={pr.label} />
            </TableCell>
            <TableCell style={{ overflowWrap: 'anywhere' }}>
              <Typography
                variant="body2"
                color={outcome.error ? 'error' : 'textPrimary'}
              >
                {outcome.text}
              </Typography>
              {view.pullRequest.mergedAt && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  merged {formatTime(view.pullRequest.mergedAt)}
                </Typography>
              )}
              {view.notifiedAt && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  owner notified {formatTime(view.notifiedAt)}
                </Typography>
              )}
            </TableCell>
          </TableRow>
        </TableBody>
      </Table>
    </Box>
  );
}
