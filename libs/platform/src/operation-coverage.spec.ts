// The coverage check itself: a definition without a handler, a handler of another service's
// subject, a bare @MessagePattern and a subject answered twice are each reported.
import { Controller, Injectable, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { z } from 'zod';
import { busOperation } from '@gardien/contracts';
import { COMPLETE_COVERAGE, operationCoverage } from './operation-coverage.js';
import { Handles, HandlesRaw } from './handles.decorator.js';

const op = (service: 'audit' | 'tenant', action: string) =>
  busOperation({ service, action, request: z.object({}).strict(), reply: z.object({}).strict(), authenticated: false });
const listed = op('audit', 'entries.list');
const verified = op('audit', 'entries.verify');
const raw = op('audit', 'entries.raw');
const foreign = op('tenant', 'tenants.list');

@Controller()
class EntriesController {
  @Handles(listed)
  list(): object {
    return {};
  }
}

@Injectable()
@HandlesRaw(raw)
class RawListener {}

@Module({ controllers: [EntriesController], providers: [RawListener] })
class EntriesModule {}

test('a module that answers each of its definitions once is complete', () => {
  const root = { module: class Root {}, imports: [EntriesModule] };
  expect(operationCoverage(root, [listed, raw])).toEqual(COMPLETE_COVERAGE);
});

test('a definition without a handler is reported', () => {
  expect(operationCoverage(EntriesModule, [listed, raw, verified]).unhandled).toEqual([verified.subject]);
});

test("a handler of a subject this service does not define is reported", () => {
  @Controller()
  class Stray {
    @Handles(foreign)
    list(): object {
      return {};
    }
  }
  @Module({ imports: [EntriesModule], controllers: [Stray] })
  class WithStray {}
  expect(operationCoverage(WithStray, [listed, raw]).foreign).toEqual([foreign.subject]);
});

test('a bare @MessagePattern is reported, even on a defined subject', () => {
  @Controller()
  class Bare {
    @MessagePattern(verified.subject)
    verify(): object {
      return {};
    }
  }
  @Module({ imports: [EntriesModule], controllers: [Bare] })
  class WithBare {}
  expect(operationCoverage(WithBare, [listed, raw, verified])).toMatchObject({ unbound: ['Bare.verify'], unhandled: [verified.subject] });
});

test('a subject answered by two handlers is reported', () => {
  @Controller()
  class Twice {
    @Handles(listed)
    again(): object {
      return {};
    }
  }
  @Module({ imports: [EntriesModule], controllers: [Twice] })
  class WithTwice {}
  expect(operationCoverage(WithTwice, [listed, raw]).duplicated).toEqual([listed.subject]);
});
