import type { CatalogueModel } from '@gardien/contracts';
import type { InstalledModel, ModelRuntime } from '@gardien/llm-runtime';
import { createLogger } from '@gardien/observability';
import { CatalogueVerification, checkModels } from './catalogue-verification.js';
import { ModelCatalogue } from './model-catalogue.js';

const digest = (c: string) => c.repeat(64);
const model = (id: string, name: string, sha256: string): CatalogueModel => ({ id, runtime: 'ollama', name, sha256, capabilities: ['chat'], context_length: 4096 });

test('a model is served under its name with its digest; a different digest or a missing name is refused', () => {
  const models = [model('a', 'a:latest', digest('a')), model('b', 'b:latest', digest('b')), model('c', 'c:latest', digest('c')), model('d', 'd:latest', digest('d'))];
  const installed: InstalledModel[] = [
    { name: 'a:latest', digest: digest('a') },
    { name: 'b:latest', digest: digest('f') },
    { name: 'd:latest' },
    // Installed, not in the catalogue: never served.
    { name: 'e:latest', digest: digest('e') },
  ];
  expect(Object.fromEntries(checkModels(models, installed))).toEqual({ a: 'verified', b: 'digest_mismatch', c: 'not_installed', d: 'name_only' });
});

function runtimeListing(listing: () => Promise<InstalledModel[]>): ModelRuntime {
  return { kind: 'ollama', listModels: listing } as unknown as ModelRuntime;
}

test('nothing is served before a check passes, nor after a check fails; a replaced model is refused at the next check', async () => {
  const catalogue = new ModelCatalogue([model('a', 'a:latest', digest('a'))]);
  let listing: InstalledModel[] | Error = new Error('connection refused');
  const verification = new CatalogueVerification(
    catalogue,
    runtimeListing(async () => {
      if (listing instanceof Error) throw listing;
      return listing;
    }),
    createLogger({ service: 'llm-gateway', level: 'silent' }),
  );
  expect(verification.serves('a')).toBe(false);
  await verification.check();
  expect(verification.serves('a')).toBe(false);
  listing = [{ name: 'a:latest', digest: digest('a') }];
  await verification.check();
  expect(verification.serves('a')).toBe(true);
  listing = [{ name: 'a:latest', digest: digest('9') }];
  await verification.check();
  expect(verification.serves('a')).toBe(false);
  listing = new Error('down');
  await verification.check();
  expect(verification.serves('a')).toBe(false);
});
