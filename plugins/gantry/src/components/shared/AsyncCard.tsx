import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import type { ReactNode } from 'react';
import { ErrorWithRetry } from './ErrorWithRetry';

/** An InfoCard with the loading, error (with retry) and empty states every Gantry card has. */
export function AsyncCard<T>(props: {
  title: string;
  subheader?: string;
  loading: boolean;
  error?: Error;
  value?: T;
  isEmpty?: (value: T) => boolean;
  empty: { title: string; description: string | JSX.Element };
  retry?: () => void;
  action?: ReactNode;
  children: (value: T) => ReactNode;
}) {
  const { loading, error, value, isEmpty } = props;
  let body: ReactNode;
  if (loading) body = <Progress />;
  else if (error) {
    body = (
      <ErrorWithRetry
        error={error}
        title={`Could not load ${props.title.toLocaleLowerCase('en-US')}`}
        retry={props.retry}
      />
    );
  } else if (value === undefined || (isEmpty && isEmpty(value))) {
    body = (
      <EmptyState
        missing="data"
        title={props.empty.title}
        description={props.empty.description}
      />
    );
  } else body = props.children(value);
  return (
    <InfoCard
      title={props.title}
      subheader={props.subheader}
      action={props.action}
    >
      {body}
    </InfoCard>
  );
}
