import { CodeSnippet } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  // The copy button floats over the snippet's top right corner: keep the text clear of
  // it and let long lines scroll instead of running under it.
  root: {
    position: 'relative',
    maxWidth: '100%',
    '& pre': {
      paddingRight: `${theme.spacing(7)}px !important`,
      overflowX: 'auto',
    },
  },
}));

/** Backstage's CodeSnippet with a copy button that never hides the code. */
export function Snippet(props: {
  text: string;
  language: string;
  customStyle?: object;
}) {
  const classes = useStyles();
  return (
    <div className={classes.root} data-testid="gantry-snippet">
      <CodeSnippet
        language={props.language}
        text={props.text}
        showCopyCodeButton
        customStyle={props.customStyle}
      />
    </div>
  );
}
