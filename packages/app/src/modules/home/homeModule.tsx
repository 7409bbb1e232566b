import { Content } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
  type HomePageLayoutProps,
} from '@backstage/plugin-home-react/alpha';
import { Grid } from '@material-ui/core';

const gantryPagesWidget = HomePageWidgetBlueprint.make({
  name: 'gantry-pages',
  params: {
    name: 'GantryPages',
    title: 'Gantry',
    description: "Gantry's pages: approvals, rollouts, on-call",
    components: async () => {
      const { GantryPages } = await import('./GantryHome');
      return { Content: GantryPages };
    },
  },
});

const needsAttentionWidget = HomePageWidgetBlueprint.make({
  name: 'needs-attention',
  params: {
    name: 'NeedsAttention',
    title: 'Needs attention',
    description:
      'Your entities with an open incident, an approval or a paused rollout',
    components: async () => {
      const { NeedsAttention } = await import('./GantryHome');
      return { Content: NeedsAttention };
    },
  },
});

/**
 * The widgets Home shows, side by side. (Home's default layout is a grid the user fills
 * by hand, so a newcomer saw an empty page; plugin-home's other widgets fetch from the
 * internet (random joke) or need APIs this app leaves off (visits).)
 */
const SHOWN = ['GantryPages', 'NeedsAttention', 'HomePageStarredEntities'];

function GantryHomeLayout({ widgets }: HomePageLayoutProps) {
  const shown = SHOWN.flatMap(n => widgets.filter(w => w.name === n));
  return (
    <Content>
      <Grid container spacing={3}>
        {shown.map((w, i) => (
          <Grid item xs={12} md={6} key={w.name ?? i}>
            {w.component}
          </Grid>
        ))}
      </Grid>
    </Content>
  );
}

const homeLayout = HomePageLayoutBlueprint.make({
  params: { loader: async () => GantryHomeLayout },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [homeLayout, gantryPagesWidget, needsAttentionWidget],
});
