import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import type { StateTone } from '@haven-plus/plugin-haven-common';

/**
 * A state as a coloured dot AND its word: the colour only repeats what the
 * word says, so the state reads the same without colour.
 */
export function StateLabel(props: { tone: StateTone; label: string }) {
  const { tone, label } = props;
  const theme = useTheme();
  const colour = {
    ok: theme.palette.success.main,
    warning: theme.palette.warning.main,
    error: theme.palette.error.main,
    pending: theme.palette.text.disabled,
  }[tone];
  return (
    <Typography
      component="span"
      variant="body2"
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        fontWeight: 500,
        whiteSpace: 'nowrap',
      }}
      data-tone={tone}
    >
      <Box
        component="span"
        aria-hidden="true"
        width={10}
        height={10}
        mr={1}
        flexShrink={0}
        borderRadius="50%"
        style={{ backgroundColor: colour }}
      />
      {label}
    </Typography>
  );
}
