import path from 'node:path';
import {
  checkFolderRules,
  findCycle,
  folderGraph,
  type FolderEdge,
} from './__testUtils__/importGraph';

const SRC = path.resolve(__dirname, '..', '..');

/**
 * Domain-to-domain dependencies that exist on purpose, each type-only. Everything else
 * reaches another domain through a port interface the consumer declares and plugin.ts
 * satisfies, or through kernel/.
 */
const ALLOWED_DOMAIN_EDGES: string[] = [];

describe('the backend folder graph', () => {
  const edges = folderGraph(SRC);

  it('keeps the rules: no cycle, providers are leaves, kernel below domains, domains decoupled', () => {
    expect(checkFolderRules(edges, ALLOWED_DOMAIN_EDGES)).toEqual([]);
  });

  it('sees the real graph (the composition root imports every domain)', () => {
    const fromRoot = edges.filter(e => e.from === '(root)').map(e => e.to);
    expect(fromRoot).toEqual(
      expect.arrayContaining(['kernel', 'flags', 'incidents', 'evidence']),
    );
  });
});

describe('the folder rules fail on what they exist to stop', () => {
  const edge = (from: string, to: string, typeOnly = true): FolderEdge => ({
    from,
    to,
    typeOnly,
    sites: [`${from}/x.ts:1`],
  });

  it('finds a cycle between folders', () => {
    expect(findCycle([edge('a', 'b'), edge('b', 'c'), edge('c', 'a')])).toEqual(
      ['a', 'b', 'c', 'a'],
    );
    expect(findCycle([edge('a', 'b'), edge('b', 'c')])).toBeUndefined();
    expect(
      checkFolderRules(
        [edge('rollouts', 'deployments'), edge('deployments', 'rollouts')],
        ['rollouts -> deployments', 'deployments -> rollouts'],
      ),
    ).toContain('Folder cycle: deployments -> rollouts -> deployments');
  });

  it('refuses a provider importing a domain', () => {
    expect(checkFolderRules([edge('providers', 'rollouts')], [])).toEqual([
      'providers/ must be a leaf but imports rollouts/ (providers/x.ts:1)',
    ]);
  });

  it('refuses the kernel importing a domain', () => {
    expect(checkFolderRules([edge('kernel', 'flags')], [])).toHaveLength(1);
  });

  it('refuses a runtime import between domains and an undeclared domain edge', () => {
    expect(
      checkFolderRules([edge('flags', 'canary', false)], ['flags -> canary']),
    ).toEqual([
      'flags/ imports code (not only types) from canary/ (flags/x.ts:1); move the shared code to kernel/',
    ]);
    expect(checkFolderRules([edge('incidents', 'rollouts')], [])).toHaveLength(
      1,
    );
  });
});
