// Bundled by esbuild into the page the web SDK spec opens: a browser application that
// evaluates one boolean flag through the OFREP web provider and records when it changes.
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';

type Seen = { value: boolean; at: number };

async function startGantryFlags(baseUrl: string, secret: string, flag: string) {
  await OpenFeature.setProviderAndWait(
    new OFREPWebProvider({
      baseUrl,
      headers: [['Authorization', `Bearer ${secret}`]],
      cacheMode: 'disabled',
    }),
    { targetingKey: 'browser-1' },
  );
  const client = OpenFeature.getClient();
  const seen: Seen[] = [];
  let last = client.getBooleanValue(flag, false);
  client.addHandler(ProviderEvents.ConfigurationChanged, () => {
    const value = client.getBooleanValue(flag, !last);
    if (value === last) return;
    last = value;
    seen.push({ value, at: Date.now() });
  });
  Object.assign(window, { gantrySeen: seen });
  return last;
}

Object.assign(window, { startGantryFlags });
