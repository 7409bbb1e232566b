import { startGantry } from '../__testUtils__/backend';
import { complianceEntities } from '../__testUtils__/compliance';
import { routesOf } from './routeTable';

it('dumps', async () => {
  const server = await startGantry({ entities: complianceEntities });
  console.log(routesOf(server as any, '/api/gantry').map(r => `${r.method} ${r.path}`).join('\n'));
});
