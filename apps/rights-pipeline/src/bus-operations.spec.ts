import { COMPLETE_COVERAGE, serviceOperationCoverage } from '@gardien/platform';
import { AppModule } from './app.module.js';

test('answers every bus operation defined for it, each once, and no other subject', () => {
  expect(serviceOperationCoverage('rights-pipeline', AppModule)).toEqual(COMPLETE_COVERAGE);
});
