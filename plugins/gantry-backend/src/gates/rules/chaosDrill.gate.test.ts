import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { startGantry } from '../../__testUtils__/backend';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import { createTestDatabases } from '../../__testUtils__/databases';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ENTITY = '/api/gantry/entities/default/component/checkout';
const COMMIT = 'c'.repeat(40);

const drill = (release: string, change: (d: any) => void = () => {}) => {
  const doc = JSON.parse(
    fs.readFileSync(
      path.join(
        __dirname,
        '../../evidence/parsers/__fixtures__/chaos-drill.json',
      ),
      'utf8',
    ),
  );
  doc.release = release;
  // recent, so the age limit only bites where a test moves it back
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  for (const e of doc.experiments) {
    e.injectedAt = e.injectedAt.replace('2026-11-28', day);
    if (e.recoveredAt) e.recoveredAt = e.recoveredAt.replace('2026-11-28', day);
  }
  change(doc);
  return Buffer.from(JSON.stringify(doc));
};

describe.each(databases.eachSupportedId())(
  'the chaos-drill gate rule (%s)',
  databaseId => {
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: {
            compliance: {
              policies: {
                default: { staging: ['tests'], production: ['chaos-drill'] },
              },
              chaosDrill: {
                maxAgeDays: 14,
                environments: { production: { requiredActions: ['pod-kill'] } },
              },
            },
          },
        },
        entities: complianceEntities,
        services: [mockServices.database.factory({ knex }), notificationsMock],
      })) as Server;
    });

    const upload = (version: string, body: Buffer) =>
      request(server)
        .post(
          `${ENTITY}/releases/${version}/evidence/chaos-drill?commit=${COMMIT}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(body);
    const gate = async (version: string) => {
      const res = await request(server)
        .get(`${ENTITY}/releases/${version}/gates/production`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(res.status).toBe(200);
      return res.body.rules.find((r: any) => r.rule === 'chaos-drill');
    };

    it("blocks a release leaning on another release's drill older than maxAgeDays", async () => {
      const old = new Date(Date.now() - 40 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      // uploaded with 1.4.1 but run on 1.4.0, the service's only drill, 40 days old
      await upload(
        '1.4.1',
        drill('1.4.0', d => {
          for (const e of d.experiments) {
            e.injectedAt = old + e.injectedAt.slice(10);
            e.recoveredAt = old + e.recoveredAt.slice(10);
          }
        }),
      ).expect(201);
      expect((await gate('1.4.1')).reason).toMatch(
        /^The newest chaos drill \(.* release 1\.4\.0\) is 40 days old and 1\.4\.1 has none of its own; production needs one within 14 days\.$/,
      );
    });

    it('blocks a release whose drill failed, then passes it once a drill passes', async () => {
      await upload(
        '1.5.0',
        drill('1.5.0', d => (d.canaryVerdict = 'fail')),
      ).expect(201);
      expect(await gate('1.5.0')).toMatchObject({
        status: 'fail',
        reason: expect.stringContaining(
          'did not pass: the canary analysis judged it fail.',
        ),
      });
      await upload(
        '1.5.0',
        drill('1.5.0', d => {
          d.experiments[0].injectedAt = d.experiments[0].injectedAt.replace(
            'T10:',
            'T11:',
          );
          d.experiments[0].recoveredAt = d.experiments[0].recoveredAt.replace(
            'T10:',
            'T11:',
          );
        }),
      ).expect(201);
      expect(await gate('1.5.0')).toMatchObject({
        status: 'pass',
        reason: expect.stringMatching(
          /^The newest chaos drill of 1\.5\.0 .* passed: canary pass under pod-kill, delay, every experiment recovered\.$/,
        ),
      });
    });

    it('blocks a release whose drill left an experiment unrecovered or lacked a required action', async () => {
      await upload(
        '1.6.0',
        drill('1.6.0', d => delete d.experiments[0].recoveredAt),
      ).expect(201);
      expect((await gate('1.6.0')).reason).toContain(
        'the service never recovered from checkout-pod-kill (PodChaos pod-kill)',
      );
      await upload(
        '1.7.0',
        drill('1.7.0', d => d.experiments.splice(0, 1)),
      ).expect(201);
      expect((await gate('1.7.0')).reason).toContain(
        'it injected no pod-kill (required)',
      );
    });

    it('refuses a malformed drill with a 400 naming the field and stores nothing', async () => {
      const res = await upload(
        '1.9.0',
        drill('1.9.0', d => (d.experiments[1].recoveredAt = 'soon')),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^Invalid chaos-drill evidence at experiments\[1\]\.recoveredAt: must be an ISO-8601 time/,
      );
      const release = await request(server)
        .get(`${ENTITY}/releases/1.9.0/gates/production`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(release.status).toBe(404);
    });
  },
);
