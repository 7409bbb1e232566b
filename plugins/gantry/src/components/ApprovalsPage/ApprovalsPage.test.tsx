import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  FlagChangeRequest,
  PromotionRequest,
} from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { ApprovalsPage } from './ApprovalsPage';

const request: PromotionRequest = {
  id: '7f0c8f2e-1b8e-4f5e-9f5e-2d4c6b8a0e11',
  entityRef: 'component:default/storefront',
  version: '2.3.0',
  environment: 'production',
  requestedBy: 'user:default/dave',
  reason: 'New checkout button',
  status: 'pending',
  requiredApprovals: 1,
  approverGroups: [],
  emergency: false,
  createdAt: '2026-11-26T10:00:00Z',
  expiresAt: '2026-11-29T10:00:00Z',
  decisions: [],
};

const render = (a: Partial<GantryApi>) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [
          gantryApiRef,
          { listAwaitingFlagChanges: jest.fn().mockResolvedValue([]), ...a },
        ],
      ]}
    >
      <ApprovalsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('ApprovalsPage', () => {
  it('approves a waiting request and refreshes the list', async () => {
    const listAwaitingApprovals = jest
      .fn()
      .mockResolvedValueOnce([request])
      .mockResolvedValueOnce([]);
    const decide = jest
      .fn()
      .mockResolvedValue({ ...request, status: 'approved' });
    await render({ listAwaitingApprovals, decide });
    expect(await screen.findByText('New checkout button')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    expect(decide).toHaveBeenCalledWith(request.id, 'approve', undefined);
    expect(
      await screen.findByText('Nothing awaits your approval'),
    ).toBeInTheDocument();
  });

  it('needs a comment to reject', async () => {
    const decide = jest.fn().mockResolvedValue({});
    await render({
      listAwaitingApprovals: jest.fn().mockResolvedValue([request]),
      decide,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Confirm' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Comment (required)'),
      'Wait for the pen test',
    );
    await userEvent.click(confirm);
    expect(decide).toHaveBeenCalledWith(
      request.id,
      'reject',
      'Wait for the pen test',
    );
  });

  it('lists production flag changes for a second owner and approves one', async () => {
    const change: FlagChangeRequest = {
      id: 'c1',
      entityRef: 'component:default/checkout',
      environment: 'production',
      target: 'flag',
      key: 'new-checkout-flow',
      operation: 'upsert',
      baseVersion: 3,
      reason: 'ramp to 50 %',
      requestedBy: 'user:default/alice',
      status: 'pending',
      createdAt: '2026-11-26T10:00:00Z',
      expiresAt: '2026-11-29T10:00:00Z',
    };
    const decideFlagChange = jest.fn().mockResolvedValue(change);
    await render({
      listAwaitingApprovals: jest.fn().mockResolvedValue([]),
      listAwaitingFlagChanges: jest
        .fn()
        .mockResolvedValueOnce([change])
        .mockResolvedValue([]),
      decideFlagChange,
    });
    expect(
      await screen.findByText('upsert flag new-checkout-flow in production'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(
        screen
          .getByText('upsert flag new-checkout-flow in production')
          .closest('tr')!,
      ).getByRole('button', { name: 'Approve' }),
    );
    expect(decideFlagChange).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      'c1',
      'approve',
      undefined,
    );
    expect(
      await screen.findByText('No flag change awaits you'),
    ).toBeInTheDocument();
  });

  it('shows the error state', async () => {
    await render({
      listAwaitingApprovals: jest.fn().mockRejectedValue(new Error('boom')),
    });
    expect(
      await screen.findByText(/Could not load awaiting your decision/),
    ).toBeInTheDocument();
  });
});
