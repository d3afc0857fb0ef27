// Which bus operations a service's module tree really answers, read from the handlers Nest would
// mount: every operation defined for the service must have exactly one handler, every handler must
// be bound to a definition of this service (@Handles / @HandlesRaw), and none may answer a subject
// with a bare @MessagePattern. Each app runs this on its AppModule in a unit test.
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { operationsAnsweredBy, type BusOperation, type BusService } from '@gardien/contracts';
import { operationOfHandler, rawOperationsOf } from './operation-metadata.js';
import type { PlatformResources } from './platform.module.js';

export interface OperationCoverage {
  /** Subjects defined for the service that no handler answers. */
  unhandled: string[];
  /** Subjects answered here that belong to no definition of this service. */
  foreign: string[];
  /** `Controller.method` answering a subject without a definition (a bare @MessagePattern). */
  unbound: string[];
  /** Subjects answered by more than one handler. */
  duplicated: string[];
}

type ModuleRef = Type<unknown> | DynamicModule;

export function operationCoverage(rootModule: ModuleRef, expected: readonly BusOperation[]): OperationCoverage {
  const answered: BusOperation[] = [];
  const unbound: string[] = [];
  for (const controller of new Set(collect(rootModule, 'controllers') as Array<Type<unknown>>)) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor') continue;
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      const operation = operationOfHandler(method);
      if (operation) answered.push(operation);
      else if (typeof method === 'function' && Reflect.getMetadata(PATTERN_METADATA, method)) unbound.push(`${controller.name}.${name}`);
    }
  }
  for (const provider of new Set(collect(rootModule, 'providers').map(providerClass))) answered.push(...rawOperationsOf(provider));

  const expectedSubjects = new Set(expected.map((operation) => operation.subject));
  const counts = new Map<string, number>();
  for (const { subject } of answered) counts.set(subject, (counts.get(subject) ?? 0) + 1);
  return {
    unhandled: [...expectedSubjects].filter((subject) => !counts.has(subject)).sort(),
    foreign: [...counts.keys()].filter((subject) => !expectedSubjects.has(subject)).sort(),
    unbound: unbound.sort(),
    duplicated: [...counts].filter(([, count]) => count > 1).map(([subject]) => subject).sort(),
  };
}

function collect(root: ModuleRef, kind: 'controllers' | 'providers'): unknown[] {
  const seen = new Set<unknown>();
  const found: unknown[] = [];
  const visit = (ref: unknown) => {
    if (!ref || seen.has(ref)) return;
    seen.add(ref);
    const { moduleClass, dynamic } = split(ref);
    if (!moduleClass) return;
    const metadataKey = kind === 'controllers' ? MODULE_METADATA.CONTROLLERS : MODULE_METADATA.PROVIDERS;
    found.push(...((Reflect.getMetadata(metadataKey, moduleClass) as unknown[] | undefined) ?? []), ...((dynamic?.[kind] as unknown[] | undefined) ?? []));
    for (const imported of [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass) as unknown[] | undefined) ?? []), ...(dynamic?.imports ?? [])]) visit(imported);
  };
  visit(root);
  return found;
}

function split(ref: unknown): { moduleClass?: Type<unknown>; dynamic?: DynamicModule } {
  if (typeof ref === 'function') return { moduleClass: ref as Type<unknown> };
  if (typeof ref === 'object' && ref !== null && 'module' in ref) return { moduleClass: (ref as DynamicModule).module, dynamic: ref as DynamicModule };
  return {};
}

function providerClass(provider: unknown): unknown {
  if (typeof provider === 'function') return provider;
  return typeof provider === 'object' && provider !== null ? (provider as Extract<Provider, { useClass: unknown }>).useClass : undefined;
}

/** Coverage with nothing missing, foreign, unbound or duplicated. */
export const COMPLETE_COVERAGE: OperationCoverage = Object.freeze({ unhandled: [], foreign: [], unbound: [], duplicated: [] });

/** The coverage of a service's application module, as runService would mount it, against its definitions. */
export function serviceOperationCoverage(service: BusService, appModule: { register(resources: PlatformResources): DynamicModule }): OperationCoverage {
  // Registering builds the module tree only: nothing is opened or connected.
  return operationCoverage(appModule.register({ service } as PlatformResources), operationsAnsweredBy(service));
}
