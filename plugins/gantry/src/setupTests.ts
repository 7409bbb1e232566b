import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines have two cores shared with the portal under test: give findBy* and
// waitFor more than their one-second default before calling an element missing.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

// recharts' ResponsiveContainer measures with ResizeObserver, which jsdom lacks; a fixed
// size lets charts render their series in component tests.
if (!(globalThis as any).ResizeObserver) {
  (globalThis as any).ResizeObserver = class {
    constructor(private readonly cb: (entries: unknown[]) => void) {}
    observe(target: Element) {
      this.cb([{ target, contentRect: { width: 800, height: 300 } }]);
    }
    unobserve() {}
    disconnect() {}
  };
}
