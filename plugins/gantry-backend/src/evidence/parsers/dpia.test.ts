import fs from 'node:fs';
import path from 'node:path';
import { parseEvidence } from '.';

const fixture = fs.readFileSync(
  path.join(__dirname, '__fixtures__', 'dpia.json'),
);
const withFields = (fields: object) =>
  Buffer.from(JSON.stringify({ ...JSON.parse(fixture.toString()), ...fields }));

describe('the dpia evidence parser', () => {
  it('reads a DPIA record', async () => {
    const s = await parseEvidence('dpia', fixture);
    expect(s.dpia).toEqual({
      assessedAt: '2026-10-14T09:00:00.000Z',
      assessor: 'Privacy office (dpo@example.com)',
      outcome: 'approved-with-conditions',
      reviewDue: '2027-10-14T00:00:00.000Z',
    });
    expect(s.headline).toBe(
      'DPIA 2026-10-14 by Privacy office (dpo@example.com): approved-with-conditions',
    );
  });

  it.each([
    [{ assessedAt: 'last week' }, 'at assessedAt: must be an ISO-8601 time'],
    [
      { outcome: 'fine' },
      'at outcome: must be one of approved, approved-with-conditions, rejected',
    ],
    [{ assessor: undefined }, 'at assessor: Required'],
    [
      { reviewDue: '2026-01-01T00:00:00Z' },
      'at reviewDue: 2026-01-01T00:00:00Z is before assessedAt',
    ],
    [{ assessedAt: '2999-01-01T00:00:00Z' }, 'is in the future'],
    [{ extra: 1 }, "Unrecognized key(s) in object: 'extra'"],
  ])('refuses %j with a 400 naming the field', async (fields, message) => {
    await expect(
      parseEvidence('dpia', withFields(fields)),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
  });
});
