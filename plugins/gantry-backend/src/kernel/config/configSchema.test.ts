import path from 'node:path';
import {
  FileConfigSource,
  loadConfigSchema,
  type ConfigSchema,
} from '@backstage/config-loader';
import type { AppConfig } from '@backstage/config';
import { SEVERITIES } from '@gantry/plugin-gantry-common';
import { GATE_RULES } from './complianceConfig';

/**
 * config.d.ts against the app-config files, through Backstage's own schema machinery:
 * the schema is collected from this package's `configSchema` field and compiled from
 * TypeScript exactly as backstage-cli does (loadConfigSchema -> ts-json-schema-generator).
 *
 * Backstage accepts keys a schema does not declare, so a typo (`gantry.compliance.typo`)
 * would pass its validation and be silently ignored at runtime. `undeclaredPaths` walks
 * every key under `gantry` and looks it up in the compiled JSON schema.
 */

const PACKAGE_DIR = path.resolve(__dirname, '../../..');
const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
const CONFIG_FILES = ['app-config.yaml', 'app-config.production.yaml'];

type Schema = boolean | { [key: string]: any };

/** Dummy values for ${...} substitutions; the schema only sees their type. */
async function dummyEnv(name: string): Promise<string> {
  if (name.endsWith('_PORT')) return '5432';
  if (name.endsWith('_URL'))
    return `https://${name.toLowerCase()}.example.test`;
  return `dummy-${name.toLowerCase()}`;
}

async function readConfigFile(file: string): Promise<AppConfig> {
  const source = FileConfigSource.create({
    path: path.join(REPO_ROOT, file),
    watch: false,
    substitutionFunc: dummyEnv,
  });
  for await (const { configs } of source.readConfigData()) {
    const [config] = configs;
    return { context: file, data: config.data };
  }
  throw new Error(`${file} yielded no config`);
}

function resolveRef(schema: Schema, root: Schema): Schema {
  let s = schema;
  while (typeof s === 'object' && typeof s.$ref === 'string') {
    const ref: string = s.$ref;
    if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`);
    s = ref
      .slice(2)
      .split('/')
      .map(p => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')))
      .reduce<any>((node, key) => node?.[key], root);
    if (s === undefined) throw new Error(`Unresolvable $ref ${ref}`);
  }
  return s;
}

/** The schema of `key` in an object schema; false when the key is not declared. */
function propertySchema(schema: { [key: string]: any }, key: string): Schema {
  if (schema.properties && key in schema.properties)
    return schema.properties[key];
  for (const [pattern, s] of Object.entries<Schema>(
    schema.patternProperties ?? {},
  )) {
    if (new RegExp(pattern, 'u').test(key)) return s;
  }
  if (schema.additionalProperties !== undefined)
    return schema.additionalProperties;
  // ts-json-schema-generator (as Backstage configures it) leaves additionalProperties
  // out of interfaces; an object schema listing properties declares only those. One
  // with none (TS `object`) is open.
  return !schema.properties && !schema.patternProperties;
}

/**
 * Paths (`gantry.compliance.typo`, `gantry.argocd.instances[0].tokn`) in `value` that
 * `schema` does not declare. Follows properties, patternProperties, additionalProperties,
 * items, $ref and anyOf/oneOf/allOf; `{}` and `true` declare everything below them.
 */
function undeclaredPaths(
  value: unknown,
  schema: Schema,
  at = '',
  root: Schema = schema,
): string[] {
  const s = resolveRef(schema, root);
  if (s === true) return [];
  if (s === false) return [at];
  const branches: Schema[] | undefined = s.anyOf ?? s.oneOf;
  if (branches) {
    // declared if some alternative declares everything; else the closest one's complaints
    const results = branches.map(b => undeclaredPaths(value, b, at, root));
    return results.reduce((a, b) => (b.length < a.length ? b : a));
  }
  if (s.allOf) {
    // Backstage merges allOf additively: undeclared only if no member declares it
    const results: string[][] = s.allOf.map((b: Schema) =>
      undeclaredPaths(value, b, at, root),
    );
    return results.reduce((a, b) => a.filter(p => b.includes(p)));
  }
  if (Array.isArray(value)) {
    if (s.items === undefined) return [];
    return value.flatMap((item, i) => {
      const itemSchema = Array.isArray(s.items)
        ? s.items[i] ?? s.additionalItems ?? true
        : s.items;
      return undeclaredPaths(item, itemSchema, `${at}[${i}]`, root);
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      undeclaredPaths(
        child,
        propertySchema(s, key),
        at ? `${at}.${key}` : key,
        root,
      ),
    );
  }
  return [];
}

/** Only the `gantry` subtree: other keys belong to other packages' schemas. */
function gantryOnly(config: AppConfig): AppConfig {
  const gantry = config.data.gantry;
  return {
    context: config.context,
    data: gantry === undefined ? {} : { gantry },
  };
}

function withGantry(config: AppConfig, mutate: (gantry: any) => void) {
  const copy = structuredClone(config);
  mutate(copy.data.gantry);
  return copy;
}

describe('config.d.ts', () => {
  let schema: ConfigSchema;
  let packageSchemas: Array<{ packageName: string; value: Schema }>;
  let jsonSchema: Schema;
  let files: Record<string, AppConfig>;

  beforeAll(async () => {
    schema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [path.join(PACKAGE_DIR, 'package.json')],
      excludePackageDependencies: true,
    });
    packageSchemas = (
      schema.serialize() as {
        schemas: Array<{ packageName: string; value: Schema }>;
      }
    ).schemas;
    jsonSchema = packageSchemas[0]?.value;
    files = Object.fromEntries(
      await Promise.all(
        CONFIG_FILES.map(async f => [f, await readConfigFile(f)] as const),
      ),
    );
  }, 60_000);

  /** Undeclared paths of the config's `gantry` subtree (an empty list when all is declared). */
  const undeclared = (config: AppConfig) =>
    undeclaredPaths(gantryOnly(config).data, jsonSchema).sort();

  it("compiles this package's configSchema and nothing else", () => {
    expect(packageSchemas.map(s => s.packageName)).toEqual([
      '@gantry/plugin-gantry-backend',
    ]);
  });

  it.each(CONFIG_FILES)('declares every gantry key set in %s', file => {
    expect(files[file].data.gantry).toBeDefined();
    expect(undeclared(files[file])).toEqual([]);
  });

  it('accepts the local and the production configuration', () => {
    const base = files['app-config.yaml'];
    const production = files['app-config.production.yaml'];
    expect(() => schema.process([base])).not.toThrow();
    expect(() => schema.process([base, production])).not.toThrow();
  });

  it('agrees with backstage-cli config:check --strict on the gantry subtree', async () => {
    const strict = await loadConfigSchema({
      serialized: schema.serialize(),
      noUndeclaredProperties: true,
    });
    // each file on its own: merging would let production's arrays hide the local ones
    CONFIG_FILES.map(f => gantryOnly(files[f])).forEach(config =>
      expect(() => strict.process([config])).not.toThrow(),
    );
    const typo = withGantry(files['app-config.yaml'], g => {
      g.compliance.typo = true;
    });
    expect(() => strict.process([gantryOnly(typo)])).toThrow(
      /must NOT have additional properties \{ additionalProperty=typo \} at \/gantry\/compliance/,
    );
  });

  it('keeps the secrets out of what the frontend sees', () => {
    const [processed] = schema.process([files['app-config.production.yaml']], {
      visibility: ['frontend', 'backend'],
      withFilteredKeys: true,
    });
    expect(processed.filteredKeys).toEqual(
      expect.arrayContaining([
        'gantry.argocd.instances[0].token',
        'gantry.kubernetes.clusters[0].serviceAccountToken',
      ]),
    );
  });

  it('reports undeclared keys, also inside arrays and maps', () => {
    const base = files['app-config.yaml'];
    expect(
      undeclared(
        withGantry(base, g => {
          g.compliance.typo = 'x';
          g.compliance.approvals.requiredApprovalz = 2;
          g.argocd.instances[0].tokn = 'x';
          g.notAFeature = { enabled: true };
        }),
      ),
    ).toEqual([
      'gantry.argocd.instances[0].tokn',
      'gantry.compliance.approvals.requiredApprovalz',
      'gantry.compliance.typo',
      'gantry.notAFeature',
    ]);
    // declared maps take any key, `any` takes anything below it
    expect(
      undeclared(
        withGantry(base, g => {
          g.compliance.policies = { payments: { production: ['tests'] } };
          g.slos = { gate: { minBudgetRemainingPercent: { production: 10 } } };
          g.canary = { metricSets: { jvm: [{ name: 'heap', anything: 1 }] } };
        }),
      ),
    ).toEqual([]);
  });

  it('declares the signature trust keys', () => {
    const signed = withGantry(files['app-config.yaml'], g => {
      g.compliance.signatures = {
        keys: [{ keyId: 'ci', publicKey: '-----BEGIN PUBLIC KEY-----' }],
        keyless: [
          {
            issuer: 'https://token.actions.githubusercontent.com',
            subject: 'x',
          },
          { issuer: 'https://accounts.google.com', subjectRegExp: '.+' },
        ],
        trustedRootFile: '/etc/gantry/trusted_root.json',
        required: true,
        byPolicy: { default: { required: false } },
      };
    });
    expect(undeclared(signed)).toEqual([]);
    expect(() => schema.process([signed])).not.toThrow();
    const typo = withGantry(signed, g => {
      g.compliance.signatures.keyless[0].subjectRegex = '.+';
    });
    expect(undeclared(typo)).toEqual([
      'gantry.compliance.signatures.keyless[0].subjectRegex',
    ]);
  });

  it('rejects values of the wrong type or outside the declared set', () => {
    const base = files['app-config.yaml'];
    const bad = withGantry(base, g => {
      g.compliance.approvals.requiredApprovals = 'two';
      g.compliance.policies = { payments: { production: ['testz'] } };
    });
    expect(() => schema.process([bad])).toThrow(
      /must be number.*requiredApprovals|requiredApprovals.*must be number/,
    );
    expect(() => schema.process([bad])).toThrow(
      /must be equal to one of the allowed values.*policies\/payments\/production\/0/,
    );
  });

  it('names the same gate rules and severities as the code', () => {
    const compliance = (jsonSchema as any).properties.gantry.properties
      .compliance.properties;
    expect(
      compliance.policies.additionalProperties.additionalProperties.items.enum,
    ).toEqual([...GATE_RULES]);
    expect(compliance.blockingSeverities.items.enum).toEqual([...SEVERITIES]);
    expect(
      compliance.vulnerabilities.properties.blockUnfixable.items.enum,
    ).toEqual([...SEVERITIES]);
  });
});
