import { Link } from '@backstage/core-components';

/**
 * "Traces" linking to the service's traces of a deployment, canary analysis or incident
 * window (the backend fills `traceUrl` from the entity's gantry.dev/tracing-url
 * annotation); nothing when the entity has none.
 */
export function TraceLink({
  url,
  label = 'Traces',
}: {
  url?: string;
  label?: string;
}) {
  if (!url) return null;
  return (
    <Link
      to={url}
      target="_blank"
      rel="noopener noreferrer"
      data-testid="trace-link"
    >
      {label}
    </Link>
  );
}
