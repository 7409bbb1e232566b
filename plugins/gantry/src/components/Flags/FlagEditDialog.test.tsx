import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  FeatureFlag,
  FlagEditErrorResponse,
} from '@gantry/plugin-gantry-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { FlagEditDialog } from './FlagEditDialog';

jest.setTimeout(30_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

const flag: FeatureFlag = {
  entityRef: 'component:default/checkout',
  environment: 'staging',
  key: 'new-checkout',
  definition: {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: {
      if: [{ '==': [{ var: 'tier' }, 'gold'] }, 'gold', 'off'],
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
  summary: { valueType: 'boolean', segments: [], targeting: 'rules' },
};

/** What GantryClient throws for a 400: a ResponseError whose body is the server's JSON. */
function rejected(body: FlagEditErrorResponse) {
  return Object.assign(new Error(body.error.message), {
    name: 'ResponseError',
    body,
    statusCode: 400,
  });
}

const render = (api: Partial<GantryApi>, f: FeatureFlag | undefined = flag) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [
          gantryApiRef,
          {
            getSlos: jest.fn().mockResolvedValue({
              entityRef: 'component:default/checkout',
              evaluatedAt: '2026-11-26T10:00:00Z',
              definitions: [],
              slos: [],
            }),
            ...api,
          },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <FlagEditDialog
          open
          environment="staging"
          flag={f}
          flags={[]}
          onClose={() => {}}
          onSaved={() => {}}
        />
      </EntityProvider>
    </TestApiProvider>,
  );

/** The helper text under the input with this id (Material UI links it by aria-describedby). */
const helperOf = (id: string) => document.getElementById(`${id}-helper-text`);

describe('FlagEditDialog', () => {
  it('shows each server problem beside the field it belongs to, not only on top', async () => {
    const saveFlag = jest.fn().mockRejectedValue(
      rejected({
        error: {
          name: 'InputError',
          message:
            "The flag 'new-checkout' is not a valid flagd flag definition: flags.new-checkout.targeting.if.1: targeting can return 'gold', which is not one of the variants (on, off).",
        },
        problems: [
          {
            field: 'definition',
            path: 'targeting.if.1',
            message:
              "targeting can return 'gold', which is not one of the variants (on, off)",
          },
          {
            field: 'safeVariant',
            path: '',
            message: "safeVariant 'gold' is not one of the variants (on, off)",
          },
        ],
      }),
    );
    await render({ saveFlag });
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'gold tier');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(helperOf('gantry-flag-definition')).toHaveTextContent(
        "targeting.if.1: targeting can return 'gold', which is not one of the variants (on, off)",
      ),
    );
    expect(within(dialog).getByLabelText(/flagd definition/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(helperOf('gantry-flag-safe-variant')).toHaveTextContent(
      "safeVariant 'gold' is not one of the variants (on, off)",
    );
    expect(within(dialog).getByLabelText(/Safe variant/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    // the long sentence is not repeated in an alert on top
    expect(
      within(dialog).queryByText(/is not a valid flagd flag definition/),
    ).not.toBeInTheDocument();
    // fields without problems keep their normal help
    expect(helperOf('gantry-flag-reason')).toHaveTextContent(
      'Recorded with the change in the audit log',
    );
  });

  it('clears the field messages on the next save and shows errors without problems on top', async () => {
    const saveFlag = jest
      .fn()
      .mockRejectedValueOnce(
        rejected({
          error: { name: 'InputError', message: 'bad' },
          problems: [
            { field: 'definition', path: 'variants', message: 'mix types' },
          ],
        }),
      )
      .mockRejectedValueOnce(new Error("Unknown environment 'qa'."));
    await render({ saveFlag });
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'try');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(helperOf('gantry-flag-definition')).toHaveTextContent(
        'variants: mix types',
      ),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText("Unknown environment 'qa'."),
    ).toBeInTheDocument();
    expect(helperOf('gantry-flag-definition')).not.toHaveTextContent(
      'mix types',
    );
  });

  it('puts a JSON syntax error beside the definition and sends nothing', async () => {
    const saveFlag = jest.fn();
    await render({ saveFlag });
    const dialog = screen.getByRole('dialog');
    const definition = within(dialog).getByLabelText(/flagd definition/);
    await userEvent.clear(definition);
    await userEvent.type(definition, '{{"state": ');
    await userEvent.type(within(dialog).getByLabelText(/Why/), 'typo');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(helperOf('gantry-flag-definition')).toHaveTextContent(
        /^not valid JSON: /,
      ),
    );
    expect(saveFlag).not.toHaveBeenCalled();
  });

  it('shows that the flag is killed, by whom and what it serves', async () => {
    await render(
      { saveFlag: jest.fn() },
      {
        ...flag,
        killedAt: '2026-11-26T10:00:00Z',
        killedBy: 'user:default/alice',
        killedReason: 'checkout errors',
      },
    );
    const killed = screen.getByTestId('gantry-flag-killed');
    expect(killed).toHaveTextContent(
      'Killed by user:default/alice at 2026-11-26T10:00:00Z (checkout errors): every client gets off.',
    );
    expect(killed).toHaveTextContent(/keeps the flag killed/);
  });
});
