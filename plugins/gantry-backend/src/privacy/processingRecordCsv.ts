import type { ProcessingRecord } from '@gantry/plugin-gantry-common';
import { csvRow } from '../kernel/csv';

const HEADER = [
  'entity',
  'system',
  'owner',
  'status',
  'categories',
  'specialCategories',
  'dataSubjects',
  'purposes',
  'lawfulBasis',
  'retention',
  'processors',
  'transfers',
  'encryptionInTransit',
  'encryptionAtRest',
  'reason',
];

/** One row per service, Art. 30(1) columns; invalid declarations keep their row with the reason. */
export function processingRecordToCsv(r: ProcessingRecord): string {
  const rows = [
    HEADER,
    ...r.activities.map(a => [
      a.entityRef,
      a.system,
      a.owner,
      'declared',
      a.categories.join('; '),
      a.specialCategories?.join('; '),
      a.dataSubjects?.join('; '),
      a.purposes.join('; '),
      a.lawfulBasis,
      a.retention,
      a.processors
        .map(
          p =>
            `${p.name}${p.region ? ` (${p.region})` : ''}${
              p.subProcessors?.length
                ? ` via ${p.subProcessors.join(', ')}`
                : ''
            }`,
        )
        .join('; '),
      a.transfers
        .map(t => `${t.region}${t.safeguard ? ` (${t.safeguard})` : ''}`)
        .join('; '),
      a.encryptionInTransit,
      a.encryptionAtRest,
      '',
    ]),
    ...r.invalid.map(i => [
      i.entityRef,
      i.system,
      i.owner,
      'invalid',
      ...Array(10).fill(''),
      i.reason,
    ]),
  ];
  return rows.map(csvRow).join('');
}
