import type { MetricsSource } from '@gantry/plugin-gantry-node';
import { PrometheusClient } from './PrometheusClient';
import { ProviderRegistry } from './providerRegistry';

const adapter = (): MetricsSource => ({
  queryScalar: async () => 0,
  queryRange: async () => [],
});

describe('ProviderRegistry', () => {
  it("lists app-config's entries first, though modules register before the plugin's init", () => {
    const registry = new ProviderRegistry();
    const modules = registry.forModules();
    modules.addArgoCdInstances({ name: 'eu', url: 'https://eu.test' });
    modules.addKubernetesClusters({ name: 'eu-prod', url: 'https://k8s-eu' });
    registry.addArgoCdInstances('app-config', [
      { name: 'main', url: 'https://main.test' },
    ]);
    registry.addKubernetesClusters('app-config', [
      { name: 'prod', url: 'https://k8s' },
    ]);
    const built = registry.build({});
    expect(built.argocd.names()).toEqual(['main', 'eu']);
    expect(built.kubernetesClusters.map(c => c.name)).toEqual([
      'prod',
      'eu-prod',
    ]);
  });

  it('keeps what app-config did before modules: a name repeated inside app-config is tolerated', () => {
    const registry = new ProviderRegistry();
    registry.addArgoCdInstances('app-config', [
      { name: 'main', url: 'https://a.test' },
      { name: 'main', url: 'https://b.test' },
    ]);
    expect(registry.build({}).argocd.names()).toEqual(['main', 'main']);
  });

  it('refuses a name a module repeats, and a failed call registers nothing', () => {
    const registry = new ProviderRegistry();
    const modules = registry.forModules();
    expect(() =>
      modules.addArgoCdInstances(
        { name: 'a', url: 'https://a.test' },
        { name: 'a', url: 'https://a2.test' },
      ),
    ).toThrow(
      "Argo CD instance 'a' is registered twice by backend modules (gantryProvidersExtensionPoint)",
    );
    modules.addArgoCdInstances({ name: 'a', url: 'https://a.test' });
    expect(registry.build({}).argocd.names()).toEqual(['a']);
  });

  it('refuses incomplete registrations and registrations after the build', () => {
    const registry = new ProviderRegistry();
    const modules = registry.forModules();
    expect(() => modules.addKubernetesClusters({ name: 'x', url: '' })).toThrow(
      "The Kubernetes cluster 'x' was registered without url.",
    );
    expect(() =>
      modules.addArgoCdInstances({ name: ' ', url: 'https://a.test' }),
    ).toThrow('Every Argo CD instance needs a name');
    expect(() =>
      modules.addMetricsSource({ name: 'm', source: {} as MetricsSource }),
    ).toThrow("The metrics source 'm' has no queryScalar and queryRange");
    registry.build({});
    expect(() =>
      modules.addMetricsSource({ name: 'late', source: adapter() }),
    ).toThrow(
      "Metrics source 'late' was registered after the Gantry plugin started",
    );
  });

  describe('the metrics source domains read', () => {
    it('is gantry.prometheus when configured; the modules’ are listed as unused', () => {
      const registry = new ProviderRegistry();
      registry
        .forModules()
        .addMetricsSource({ name: 'thanos', source: adapter() });
      registry.addMetricsSource('app-config', {
        name: 'prometheus',
        prometheusApi: { baseUrl: 'http://prometheus:9090' },
      });
      const built = registry.build({});
      expect(built.metrics?.name).toBe('prometheus');
      expect(built.metrics?.origin).toBe('app-config');
      expect(built.metrics?.source).toBeInstanceOf(PrometheusClient);
      expect(built.unusedMetricsSources).toEqual(['thanos']);
    });

    it('is otherwise the first a module registered', () => {
      const registry = new ProviderRegistry();
      const first = adapter();
      registry.forModules().addMetricsSource({ name: 'a', source: first });
      registry.forModules().addMetricsSource({ name: 'b', source: adapter() });
      const built = registry.build({});
      expect(built.metrics).toEqual({
        name: 'a',
        origin: 'module',
        source: first,
      });
      expect(built.unusedMetricsSources).toEqual(['b']);
    });

    it('is absent when nobody registers one', () => {
      const built = new ProviderRegistry().build({});
      expect(built.metrics).toBeUndefined();
      expect(built.unusedMetricsSources).toEqual([]);
    });
  });
});
