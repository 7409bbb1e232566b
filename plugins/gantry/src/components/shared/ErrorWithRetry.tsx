import { ResponseErrorPanel } from '@backstage/core-components';
import { Button } from '@material-ui/core';

/** The error panel every Gantry view shows, with a retry. */
export function ErrorWithRetry(props: {
  error: Error;
  title: string;
  retry?: () => void;
}) {
  return (
    <>
      <ResponseErrorPanel error={props.error} title={props.title} />
      {props.retry && (
        <Button
          variant="outlined"
          onClick={props.retry}
          style={{ marginTop: 8 }}
        >
          Retry
        </Button>
      )}
    </>
  );
}
