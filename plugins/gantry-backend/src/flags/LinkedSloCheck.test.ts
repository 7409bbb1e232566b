import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SloService } from '../slo/SloService';
import { SloSpecLoader } from '../slo/SloSpecLoader';
import { noReader, sloEntity } from '../slo/__testUtils__/sloEntity';
import { booleanFlag } from './__fixtures__/flagSets';
import { LinkedSloCheck } from './LinkedSloCheck';

const slothSpec = readFileSync(
  join(__dirname, '../slo/__fixtures__/sloth-checkout.yaml'),
  'utf8',
);
const entity = sloEntity;
const check = new LinkedSloCheck(
  new SloService({ specs: new SloSpecLoader({ reader: noReader }) }),
);
const linked = (slo: string) => ({
  ...booleanFlag,
  metadata: { linkedSlo: slo },
});

describe('LinkedSloCheck', () => {
  const withSlos = entity({ 'gantry.dev/slos': slothSpec });

  it('accepts an SLO the entity declares, by name or Sloth id, and flags without one', async () => {
    await expect(
      check.check(withSlos, linked('requests-availability')),
    ).resolves.toBeUndefined();
    await expect(
      check.check(withSlos, linked('checkout-latency-raw')),
    ).resolves.toBeUndefined();
    await expect(check.check(entity({}), booleanFlag)).resolves.toBeUndefined();
  });

  it('says which SLOs exist when the linked one does not', async () => {
    await expect(check.check(withSlos, linked('availability'))).rejects.toThrow(
      "metadata.linkedSlo 'availability' is not an SLO of component:default/checkout: it declares requests-availability, latency-raw. Name one of those, or leave linkedSlo out if the ramp should not stop on an SLO.",
    );
    await expect(
      check.check(entity({}), linked('availability')),
    ).rejects.toThrow(
      /it declares none \(add the gantry.dev\/slo-spec or gantry.dev\/slos annotation\)/,
    );
    await expect(
      check.check(
        entity({ 'gantry.dev/slos': 'version: prometheus/v1\nslos: 3' }),
        linked('availability'),
      ),
    ).rejects.toThrow(/cannot be checked: the SLO spec of .* does not load/);
  });
});
