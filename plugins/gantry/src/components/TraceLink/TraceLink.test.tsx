import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { TraceLink } from './TraceLink';

describe('TraceLink', () => {
  it('links to the traces the backend computed, in a new tab', async () => {
    const url =
      'https://jaeger.example.com/search?service=checkout&start=1&end=2';
    await renderInTestApp(
      <TraceLink url={url} label="Traces of this window" />,
    );
    const link = screen.getByTestId('trace-link');
    expect(link).toHaveAttribute('href', url);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveTextContent('Traces of this window');
  });

  it('shows nothing for an entity without a tracing annotation', async () => {
    await renderInTestApp(
      <div data-testid="cell">
        <TraceLink />
      </div>,
    );
    expect(screen.getByTestId('cell')).toBeEmptyDOMElement();
  });
});
