import { Link } from '@material-ui/core';
import { useState, type ReactNode } from 'react';

/**
 * The first `shown` items, then "and N more" that unfolds the rest: a control with 80
 * uncovered deployments must not make its table row thousands of pixels tall.
 */
export function FoldedList<T>({
  items,
  render,
  shown = 5,
}: {
  items: T[];
  render: (item: T) => ReactNode;
  shown?: number;
}) {
  const [all, setAll] = useState(false);
  return (
    <>
      {(all ? items : items.slice(0, shown)).map(render)}
      {items.length > shown && (
        <Link component="button" variant="body2" onClick={() => setAll(!all)}>
          {all ? 'show fewer' : `and ${items.length - shown} more`}
        </Link>
      )}
    </>
  );
}
