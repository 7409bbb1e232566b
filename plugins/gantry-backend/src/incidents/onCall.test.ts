import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { startGantry } from '../__testUtils__/backend';
import { notificationsMock } from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';
import { ON_CALL_LIMIT } from './IncidentQueries';

jest.setTimeout(180_000);
const databases = createTestDatabases();

/** Components owned by alice, each of which gets one incident. */
const component = (name: string, owner = 'user:default/alice'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

/** One Alertmanager v4 webhook firing an alert for each named component, a minute apart. */
function alerts(names: string[]) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: 'firing',
    receiver: 'gantry',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: names.map((name, i) => ({
      status: 'firing',
      labels: {
        alertname: 'HighErrorRate',
        gantry_entity: `component:default/${name}`,
      },
      annotations: { summary: `${name} is burning its error budget` },
      startsAt: new Date(Date.UTC(2026, 10, 26, 0, i)).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: `fp-${name}`,
    })),
  };
}

describe.each(databases.eachSupportedId())('on-call list on %s', id => {
  const names = Array.from(
    { length: ON_CALL_LIMIT + 7 },
    (_, i) => `svc-${String(i).padStart(3, '0')}`,
  );
  let server: any;

  beforeEach(async () => {
    const knex = await databases.init(id);
    server = await startGantry({
      entities: [
        ...names.map(n => component(n)),
        component('other', 'group:default/sre'),
      ],
      services: [
        mockServices.database.factory({ knex, migrations: { skip: false } }),
        notificationsMock,
      ],
    });
    await request(server)
      .post('/api/gantry/alerts/alertmanager')
      .set('Authorization', mockCredentials.service.header())
      .send(alerts([...names, 'other']))
      .expect(202);
  });

  const onCall = (user: string) =>
    request(server)
      .get('/api/gantry/incidents/on-call')
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${user}`),
      );

  it('says it left incidents out, and how many there are, when it caps the list', async () => {
    const res = await onCall('alice');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(ON_CALL_LIMIT);
    expect(res.body).toMatchObject({
      total: ON_CALL_LIMIT + 7,
      truncated: true,
    });
    // The newest first: the 7 oldest are the ones left out; sre's incident is not alice's.
    const listed = res.body.items.map((i: any) => i.entityRef);
    expect(listed[0]).toBe(`component:default/${names[names.length - 1]}`);
    expect(listed).not.toContain('component:default/svc-006');
    expect(listed).toContain('component:default/svc-007');
    expect(listed).not.toContain('component:default/other');
  });

  it('is complete, and says so, below the cap', async () => {
    // Acknowledged incidents stay on the page; resolved ones leave it.
    const resolved = {
      ...alerts(names.slice(0, 10)),
      status: 'resolved',
    };
    resolved.alerts = resolved.alerts.map(a => ({
      ...a,
      status: 'resolved',
      endsAt: '2026-11-27T00:00:00Z',
    }));
    await request(server)
      .post('/api/gantry/alerts/alertmanager')
      .set('Authorization', mockCredentials.service.header())
      .send(resolved)
      .expect(202);
    const res = await onCall('alice');
    expect(res.body).toMatchObject({
      total: ON_CALL_LIMIT - 3,
      truncated: false,
    });
    expect(res.body.items).toHaveLength(ON_CALL_LIMIT - 3);

    const nobody = await onCall('zed');
    expect(nobody.body).toEqual({ items: [], total: 0, truncated: false });
  });
});
