import { parseSloSpec } from './parseSloSpec';
import { SloSpecError } from './SloSpecError';
import { templateTokens } from './specChecks';

/** What the validator used to run: quadratic on an unclosed run of `{{`. */
const REGEX = /\{\{[^}]*\}\}/g;

/** A small deterministic generator so a failure can be replayed. */
function* strings(seed: number, count: number) {
  const alphabet = ['{', '}', '{{', '}}', '.window', ' ', 'x', '[', ']'];
  let s = seed;
  for (let n = 0; n < count; n++) {
    let out = '';
    const len = n % 24;
    for (let i = 0; i < len; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      out += alphabet[s % alphabet.length];
    }
    yield out;
  }
}

const spec = (errorQuery: string) => `version: prometheus/v1
service: checkout
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: ${JSON.stringify(errorQuery)}
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: CheckoutHighErrorRate
`;

describe('templateTokens', () => {
  it('finds exactly the tokens the old regex found', () => {
    for (const text of strings(7, 5000)) {
      expect(templateTokens(text).tokens).toEqual(text.match(REGEX) ?? []);
    }
    expect(templateTokens('a{{.window}}b{{ .env }}{{x}').tokens).toEqual([
      '{{.window}}',
      '{{ .env }}',
    ]);
  });

  it.each([
    ['an unclosed run of {{', (n: number) => '{'.repeat(n)],
    ['{{ with lone }', (n: number) => '{{x}'.repeat(n / 4)],
    ['{{ then a far }}', (n: number) => `${'{{'.repeat(n / 2)}}}`],
  ])(
    'reads each character at most once on %s (doubling the input doubles the work)',
    (_, make) => {
      const small = templateTokens(make(50_000)).charsRead;
      const large = templateTokens(make(100_000)).charsRead;
      expect(small).toBeLessThanOrEqual(50_002);
      expect(large).toBeLessThanOrEqual(100_002);
      expect(large / small).toBeLessThan(2.1);
    },
  );
});

describe('SLO query validation on adversarial input', () => {
  // 400 KB of `{` (under the 512 KiB spec cap): the old regex needed ~n²/2 steps here
  // (3.65 s at 100 KB, so about a minute), far past jest's timeout; the scan is linear.
  it('rejects a 400 KB unclosed template run with a 4xx-style spec error', () => {
    const query = `sum(rate(x[${'{'.repeat(400_000)}]))`;
    expect(() => parseSloSpec(spec(query), 'slos.yaml')).toThrow(SloSpecError);
    let message = '';
    try {
      parseSloSpec(spec(query), 'slos.yaml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('has no {{.window}}');
  });

  it('still names a foreign template variable', () => {
    expect(() =>
      parseSloSpec(
        spec('sum(rate(x{env="{{.env}}"}[{{.window}}]))'),
        'slos.yaml',
      ),
    ).toThrow(
      /uses \{\{\.env\}\}; the only template variable is \{\{\.window\}\}/,
    );
  });
});
