import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  FeatureFlag,
  FlagChangeRequest,
} from '@gantry/plugin-gantry-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { FlagsTab } from './FlagsTab';
import { rolloutRows } from './RolloutChart';
import { parseRampSteps } from './RolloutHelper';
import { usageSeries } from './UsageCard';

// Dialog-heavy tests; the CI machine is shared and slow.
jest.setTimeout(30_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'gantry.dev/feature-flags': 'enabled' },
  },
  spec: { owner: 'group:default/payments' },
};

const flag = (over: Partial<FeatureFlag>): FeatureFlag => ({
  entityRef: 'component:default/checkout',
  environment: 'staging',
  key: 'new-checkout',
  definition: {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: {
      fractional: [
        ['on', 500],
        ['off', 9500],
      ],
    },
  },
  type: 'release',
  owner: 'group:default/payments',
  safeVariant: 'off',
  version: 3,
  createdAt: '2026-11-20T10:00:00Z',
  createdBy: 'user:default/alice',
  updatedAt: '2026-11-21T10:00:00Z',
  updatedBy: 'user:default/alice',
  summary: {
    valueType: 'boolean',
    segments: [],
    rollout: { on: 5, off: 95 },
    targeting: 'rollout: on 5%, off 95%',
  },
  ...over,
});

const pending: FlagChangeRequest = {
  id: 'c1',
  entityRef: 'component:default/checkout',
  environment: 'production',
  target: 'flag',
  key: 'new-checkout',
  operation: 'upsert',
  baseVersion: 1,
  reason: 'go to 25 %',
  requestedBy: 'user:default/bob',
  status: 'pending',
  createdAt: '2026-11-22T10:00:00Z',
  expiresAt: '2026-11-23T10:00:00Z',
};

function api(over: Partial<GantryApi> = {}): Partial<GantryApi> {
  return {
    getOverview: jest.fn().mockResolvedValue({
      environments: ['staging', 'production'],
      approvalEnvironments: ['production'],
      capabilities: [],
      configuredCount: 1,
    }),
    listFlags: jest.fn().mockResolvedValue([
      flag({}),
      flag({
        environment: 'production',
        version: 1,
        summary: {
          valueType: 'boolean',
          segments: [],
          targeting: 'static: off',
        },
      }),
    ]),
    listFlagChanges: jest.fn().mockResolvedValue([pending]),
    listFlagClientKeys: jest.fn().mockResolvedValue([]),
    listFlagSegments: jest.fn().mockResolvedValue([]),
    getFlagUsage: jest.fn().mockResolvedValue({
      environment: 'staging',
      bucketMinutes: 5,
      from: '2026-11-25T10:00:00Z',
      to: '2026-11-26T10:00:00Z',
      rows: [],
      metrics: {
        status: 'unavailable',
        message: 'Prometheus is not configured (gantry.prometheus.baseUrl).',
      },
    }),
    getFlagExperiment: jest.fn().mockResolvedValue(undefined),
    saveFlagSegment: jest.fn().mockResolvedValue({ status: 'pending' }),
    getFlagCleanupReport: jest.fn().mockResolvedValue({
      entityRef: 'component:default/checkout',
      generatedAt: '2026-11-26T10:00:00Z',
      thresholds: { fullyRolledOutDays: 14, notEvaluatedDays: 30 },
      items: [],
    }),
    getFlagHistory: jest.fn().mockResolvedValue([
      {
        seq: 7,
        occurredAt: '2026-11-21T10:00:00Z',
        actor: 'user:default/alice',
        action: 'flag.update',
        environment: 'staging',
        key: 'new-checkout',
        reason: 'raise to 5 %',
        before: flag({
          version: 2,
          summary: undefined as any,
          definition: {
            state: 'DISABLED',
            variants: { on: true, off: false },
            defaultVariant: 'off',
          },
        }),
        after: flag({}),
      },
    ]),
    getSlos: jest.fn().mockResolvedValue({
      entityRef: 'component:default/checkout',
      evaluatedAt: '2026-11-26T10:00:00Z',
      definitions: [
        {
          id: 'checkout-availability',
          service: 'checkout',
          name: 'availability',
          objective: 99.9,
          period: '30d',
          format: 'prometheus/v1',
        },
      ],
      slos: [],
    }),
    killFlag: jest.fn().mockResolvedValue({}),
    saveFlag: jest.fn(),
    decideFlagChange: jest
      .fn()
      .mockResolvedValue({ ...pending, status: 'applied' }),
    createFlagClientKey: jest.fn().mockResolvedValue({
      id: 'k1',
      entityRef: 'component:default/checkout',
      environment: 'staging',
      name: 'checkout-web',
      prefix: 'gfk_abcdefgh',
      createdBy: 'user:default/alice',
      createdAt: '2026-11-26T10:00:00Z',
      secret: 'gfk_abcdefghSECRET',
    }),
    ...over,
  };
}

const render = (a: Partial<GantryApi>, allow = true) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, a],
        [
          permissionApiRef,
          {
            authorize: async () => ({
              result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            }),
          },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <FlagsTab />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('FlagsTab', () => {
  it('shows the linked SLO of a ramp and when it stopped the ramp', async () => {
    const withMetadata = (key: string, metadata: Record<string, string>) =>
      flag({
        key,
        definition: { ...flag({}).definition, metadata },
      });
    await render(
      api({
        listFlags: jest.fn().mockResolvedValue([
          withMetadata('linked', { linkedSlo: 'availability' }),
          withMetadata('stopped', {
            linkedSlo: 'latency',
            rampStoppedBySlo: 'latency',
            rampStoppedAt: '2026-11-26T10:00:00Z',
          }),
        ]),
      }),
    );
    expect(
      await screen.findByText('linked SLO: availability'),
    ).toBeInTheDocument();
    expect(screen.getByText('ramp stopped by SLO latency')).toBeInTheDocument();
    expect(screen.queryByText('linked SLO: latency')).not.toBeInTheDocument();
  });

  it('lists flags per environment with their rollout', async () => {
    await render(api());
    expect(
      await screen.findByText('rollout: on 5%, off 95%'),
    ).toBeInTheDocument();
    expect(screen.queryByText('static: off')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'production' }));
    expect(await screen.findByText('static: off')).toBeInTheDocument();
    expect(
      screen.getByText(/Changes in production need approval by another owner/),
    ).toBeInTheDocument();
  });

  it('kills a flag only after confirmation with a reason', async () => {
    const a = api();
    await render(a);
    await userEvent.click(await screen.findByRole('button', { name: 'Kill' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText(/safe variant/)).toHaveTextContent('off');
    const confirm = within(dialog).getByRole('button', { name: 'Kill flag' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(/Why/),
      'errors at checkout',
    );
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(a.killFlag).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'checkout' },
        'staging',
        'new-checkout',
        'errors at checkout',
      ),
    );
  });

  it('shows a killed flag as killed with what it serves, and restores it on its version after confirmation', async () => {
    const restoreFlag = jest
      .fn()
      .mockResolvedValue({ status: 'applied', flag: flag({ version: 5 }) });
    const a = api({
      restoreFlag,
      listFlags: jest.fn().mockResolvedValue([
        flag({
          version: 4,
          killedAt: '2026-11-26T10:00:00Z',
          killedBy: 'user:default/alice',
          killedReason: 'checkout errors',
        }),
      ]),
    });
    await render(a);
    expect(await screen.findByText('killed · serves off')).toBeInTheDocument();
    // the row still shows the authored rollout the restore brings back
    expect(screen.getByText('rollout: on 5%, off 95%')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Kill' }),
    ).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Restore' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Restore new-checkout?');
    expect(dialog).toHaveTextContent('rollout: on 5%, off 95%');
    await userEvent.type(
      within(dialog).getByLabelText(/Why/),
      'fixed in 1.4.2',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restore flag' }),
    );
    await waitFor(() =>
      expect(restoreFlag).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'checkout' },
        'staging',
        'new-checkout',
        { baseVersion: 4, reason: 'fixed in 1.4.2' },
      ),
    );
  });

  it('shows the newer state on a stale edit and re-applies the edit on top of it', async () => {
    const saveFlag = jest
      .fn()
      .mockResolvedValueOnce({
        status: 'stale',
        message:
          'The flag changed since you loaded it: you edited version 3, the current version is 4 (by user:default/bob).',
        current: flag({
          version: 4,
          definition: {
            state: 'DISABLED',
            variants: { on: true, off: false },
            defaultVariant: 'off',
          },
        }),
      })
      .mockResolvedValueOnce({ status: 'applied', flag: flag({ version: 5 }) });
    await render(api({ saveFlag }));
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'raise to 10 %');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText(/the current version is 4/, undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
    // The syntax highlighter loads lazily.
    expect(
      await within(dialog).findByText(/"DISABLED"/, undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
    expect(saveFlag.mock.calls[0][3].baseVersion).toBe(3);
    await userEvent.click(
      within(dialog).getByRole('button', {
        name: 'Apply my edit to the newer version',
      }),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saveFlag).toHaveBeenCalledTimes(2), {
      timeout: 5000,
    });
    expect(saveFlag.mock.calls[1][3].baseVersion).toBe(4);
  });

  it('writes a percentage rollout into the definition from the helper', async () => {
    const saveFlag = jest.fn().mockResolvedValue({ status: 'applied' });
    await render(api({ saveFlag }));
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog');
    const percent = within(dialog).getByLabelText('to %');
    await userEvent.clear(percent);
    await userEvent.type(percent, '12.5');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Set rollout' }),
    );
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'widen');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saveFlag).toHaveBeenCalled());
    expect(saveFlag.mock.calls[0][3].flag.definition.targeting).toEqual({
      fractional: [
        ['on', 1250],
        ['off', 8750],
      ],
    });
  });

  it('gates a flag on another: shows it, warns on kill, and edits prerequisites', async () => {
    const saveFlag = jest.fn().mockResolvedValue({ status: 'applied' });
    const dependent = flag({
      key: 'one-click-pay',
      owner: 'group:default/web',
      prerequisites: [{ flag: 'new-checkout', variants: ['on'] }],
    });
    await render(
      api({
        saveFlag,
        listFlags: jest.fn().mockResolvedValue([flag({}), dependent]),
      }),
    );
    expect(
      await screen.findByText('requires new-checkout = on'),
    ).toBeInTheDocument();
    const row = (key: string) =>
      screen
        .getAllByRole('row')
        .find(r => r.querySelector('td')?.textContent === key)!;

    await userEvent.click(
      within(row('new-checkout')).getByRole('button', { name: 'Kill' }),
    );
    expect(screen.getByRole('dialog')).toHaveTextContent(
      'Flags that require it (one-click-pay) follow',
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Cancel',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    await userEvent.click(screen.getByRole('button', { name: 'New flag' }));
    let dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('New flag in staging');
    await userEvent.type(within(dialog).getByLabelText(/Key/), 'refunds');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Add prerequisite' }),
    );
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'gate it');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saveFlag).toHaveBeenCalledTimes(1));
    expect(saveFlag.mock.calls[0][3].flag.prerequisites).toEqual([
      { flag: 'new-checkout', variants: ['on'] },
    ]);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    await userEvent.click(
      within(row('one-click-pay')).getByRole('button', { name: 'Edit' }),
    );
    dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Edit one-click-pay in staging');
    await userEvent.click(
      within(dialog).getByRole('button', {
        name: 'Remove prerequisite new-checkout',
      }),
    );
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'ungate');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saveFlag).toHaveBeenCalledTimes(2));
    const edit = saveFlag.mock.calls[1][3].flag;
    expect(edit.owner).toBe('group:default/web');
    expect(edit.prerequisites).toBeUndefined();
  });

  it('links a flag to one of the entity SLOs through its flagd metadata', async () => {
    const saveFlag = jest.fn().mockResolvedValue({ status: 'applied' });
    await render(api({ saveFlag }));
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByLabelText('Linked SLO'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'availability' }),
    );
    expect(
      (within(dialog).getByLabelText(/flagd definition/) as HTMLTextAreaElement)
        .value,
    ).toContain('"linkedSlo": "availability"');
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'guard it');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saveFlag).toHaveBeenCalled());
    expect(saveFlag.mock.calls[0][3].flag.definition.metadata).toEqual({
      linkedSlo: 'availability',
    });
  });

  it('toggles a flag off after confirmation, on the version shown', async () => {
    const saveFlag = jest.fn().mockResolvedValue({ status: 'applied' });
    await render(api({ saveFlag }));
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'new-checkout enabled' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      within(dialog).getByText('Disable new-checkout?'),
    ).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'not ready');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    await waitFor(() => expect(saveFlag).toHaveBeenCalledTimes(1));
    const [, environment, key, body] = saveFlag.mock.calls[0];
    expect([environment, key]).toEqual(['staging', 'new-checkout']);
    expect(body).toMatchObject({
      baseVersion: 3,
      reason: 'not ready',
      flag: { definition: { state: 'DISABLED' }, safeVariant: 'off' },
    });
  });

  it('approves a pending production change', async () => {
    const a = api();
    await render(a);
    expect(await screen.findByText('go to 25 %')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'approve',
      }),
    );
    await waitFor(() =>
      expect(a.decideFlagChange).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'checkout' }),
        'c1',
        'approve',
        undefined,
      ),
    );
  });

  it('creates a client key and shows its secret once', async () => {
    await render(api());
    await userEvent.click(
      await screen.findByRole('button', { name: 'New key' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Application/),
      'checkout-web',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create' }),
    );
    expect(await screen.findByText('gfk_abcdefghSECRET')).toBeInTheDocument();
    expect(
      screen.getByText(/this is the only time the secret/),
    ).toBeInTheDocument();
  });

  it('offers no changes without permission', async () => {
    await render(api(), false);
    expect(
      await screen.findByText('rollout: on 5%, off 95%'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Kill' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Edit' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('shows an error with retry when flags cannot be loaded', async () => {
    const listFlags = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValue([flag({})]);
    await render(api({ listFlags }));
    expect(
      await screen.findByText(/Could not load feature flags/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getAllByRole('button', { name: 'Retry' })[0]);
    expect(
      await screen.findByText('rollout: on 5%, off 95%'),
    ).toBeInTheDocument();
  });

  it('shows who changed what, when, why, as a diff', async () => {
    await render(api());
    expect(await screen.findByText('raise to 5 %')).toBeInTheDocument();
    expect(
      screen.getByText('state: "DISABLED" → "ENABLED"'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'targeting: — → {"fractional":[["on",500],["off",9500]]}',
      ),
    ).toBeInTheDocument();
  });

  it('creates a segment flags can reference', async () => {
    const a = api();
    await render(a);
    await userEvent.click(
      await screen.findByRole('button', { name: 'New segment' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Name/), 'enterprise');
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'big customers');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(a.saveFlagSegment).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'checkout' }),
        'staging',
        'enterprise',
        {
          segment: { rule: { in: [{ var: 'plan' }, ['enterprise']] } },
          baseVersion: null,
          reason: 'big customers',
        },
      ),
    );
  });

  it('charts only flags with a live percentage split', () => {
    expect(
      rolloutRows([
        flag({}),
        flag({ key: 'killed', killedAt: '2026-11-25T00:00:00Z' }),
      ]),
    ).toEqual([{ flag: 'new-checkout', on: 5, off: 95 }]);
  });

  it('reads ramp steps written as percent@time', () => {
    expect(parseRampSteps('1@2026-12-01T09:00Z, 25@2026-12-03T09:00Z')).toEqual(
      [
        { percent: 1, at: '2026-12-01T09:00Z' },
        { percent: 25, at: '2026-12-03T09:00Z' },
      ],
    );
    expect(() => parseRampSteps('5% tomorrow')).toThrow(
      "Write each ramp step as percent@time, e.g. 5@2026-12-01T09:00Z; got '5% tomorrow'",
    );
  });

  it('pivots usage rows into one series per flag and variant', () => {
    expect(
      usageSeries({
        environment: 'staging',
        bucketMinutes: 5,
        from: '',
        to: '',
        metrics: { status: 'unavailable', message: '' },
        rows: [
          { bucketStart: 't1', key: 'a', variant: 'on', count: 3 },
          { bucketStart: 't1', key: 'a', variant: 'off', count: 1 },
          { bucketStart: 't2', key: 'a', variant: 'on', count: 2 },
        ],
      }),
    ).toEqual({
      series: ['a: on', 'a: off'],
      data: [
        { bucket: 't1', 'a: on': 3, 'a: off': 1 },
        { bucket: 't2', 'a: on': 2 },
      ],
    });
  });

  it('shows the empty state when nothing was evaluated', async () => {
    await render(api());
    expect(
      await screen.findByText('No evaluations recorded'),
    ).toBeInTheDocument();
  });
});
