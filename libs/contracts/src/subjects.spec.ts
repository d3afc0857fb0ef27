import { BUS_SERVICES } from './services.js';
import { serviceOperations } from './operations/service.operations.js';
import { auditSubject, eventSubject, subjectOf } from './subjects.js';

test('request subjects follow gardien.v1.<service>.<action>', () => {
  expect(subjectOf('auth', 'login')).toBe('gardien.v1.auth.login');
  expect(subjectOf('rights-pipeline', 'subject.export')).toBe('gardien.v1.rights-pipeline.subject.export');
  expect(BUS_SERVICES.map((service) => serviceOperations(service).health.subject)).toContain('gardien.v1.llm-gateway.health');
});

test.each(['', 'Login', 'a b', 'x.>', '*', 'a..b', 'jean@example.fr'])('action %p is refused', (action) => {
  expect(() => subjectOf('auth', action)).toThrow(/invalid bus action/);
});

test('audit and event subjects land in their streams', () => {
  expect(auditSubject('tenant', 'tenant.created')).toBe('gardien.audit.tenant.tenant.created');
  expect(eventSubject('tenant', 'tenant.created')).toBe('gardien.events.tenant.tenant.created');
  expect(() => eventSubject('tenant', '>')).toThrow();
});
