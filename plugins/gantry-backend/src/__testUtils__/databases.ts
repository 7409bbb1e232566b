import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite and the PostgreSQL 15 server every machine of this project runs on
 * 127.0.0.1:5432. Docker is off: both engines are reached directly. The connection
 * string defaults to that local server; set it to point elsewhere.
 */
export function createTestDatabases(): TestDatabases {
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
    'postgresql://postgres@127.0.0.1:5432';
  return TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
}
