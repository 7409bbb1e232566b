import type { Server } from 'node:http';

/** One route a router serves: an upper-case HTTP method and its express path pattern. */
export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  regexp: RegExp & { fast_slash?: boolean };
}

/**
 * Every route of the express router mounted at `mountPath` on a started test backend,
 * read from express' own layer stacks, so a route cannot be forgotten by hand.
 * Framework routes under /.backstage/ (the auth integration) are not the plugin's.
 */
export function routesOf(server: Server, mountPath: string): RouteEntry[] {
  const app = server.listeners('request')[0] as unknown as {
    _router: { stack: Layer[] };
  };
  const mounted = findMounted(app._router.stack, mountPath);
  if (!mounted) throw new Error(`Nothing is mounted at ${mountPath}`);
  const routes = collect(mounted.handle.stack!).filter(
    r => !r.path.startsWith('/.backstage/'),
  );
  const seen = new Set<string>();
  return routes.filter(r => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function findMounted(stack: Layer[], mountPath: string): Layer | undefined {
  for (const layer of stack) {
    if (!layer.handle.stack) continue;
    if (!layer.regexp.fast_slash && layer.regexp.test(mountPath)) return layer;
    const inner = findMounted(layer.handle.stack, mountPath);
    if (inner) return inner;
  }
  return undefined;
}

function collect(stack: Layer[]): RouteEntry[] {
  return stack.flatMap(layer => {
    if (layer.route) {
      const paths = ([] as string[]).concat(layer.route.path);
      const methods = Object.keys(layer.route.methods).filter(
        m => m !== '_all',
      );
      return paths.flatMap(path =>
        methods.map(m => ({ method: m.toUpperCase(), path })),
      );
    }
    if (!layer.handle.stack) return [];
    // Only routers mounted at '/' keep their paths; anything else needs its prefix here.
    if (!layer.regexp.fast_slash) {
      throw new Error(
        `A router is mounted below a path (${layer.regexp}); teach routesOf to prefix its routes`,
      );
    }
    return collect(layer.handle.stack);
  });
}
