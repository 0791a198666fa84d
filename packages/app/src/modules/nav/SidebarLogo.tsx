import {
  Link,
  sidebarConfig,
  useSidebarOpenState,
} from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  root: {
    width: sidebarConfig.drawerWidthClosed,
    height: 3 * sidebarConfig.logoHeight,
    display: 'flex',
    flexFlow: 'row nowrap',
    alignItems: 'center',
    marginBottom: -14,
  },
  link: {
    marginLeft: 20,
    display: 'flex',
    alignItems: 'center',
    gap: 10,
    color: '#ffffff',
    fontWeight: 700,
    fontSize: 22,
    whiteSpace: 'nowrap',
  },
  mark: { width: 28, height: 28, flex: 'none' },
});

/** A harbour mark: a sheltered basin with a plus, drawn for Haven+. */
const HavenMark = ({ className }: { className: string }) => (
  <svg className={className} viewBox="0 0 32 32" aria-hidden="true">
    <path
      d="M4 14 L16 5 L28 14 V27 H4 Z"
      fill="none"
      stroke="#7fd4f5"
      strokeWidth="2.5"
      strokeLinejoin="round"
    />
    <path
      d="M16 13 V23 M11 18 H21"
      stroke="#ffffff"
      strokeWidth="2.5"
      strokeLinecap="round"
    />
  </svg>
);

export const SidebarLogo = () => {
  const classes = useStyles();
  const { isOpen } = useSidebarOpenState();

  return (
    <div className={classes.root}>
      <Link to="/" underline="none" className={classes.link} aria-label="Home">
        <HavenMark className={classes.mark} />
        {isOpen ? <span>Haven+</span> : null}
      </Link>
    </div>
  );
};
