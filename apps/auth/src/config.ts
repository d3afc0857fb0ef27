import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the auth service, validated at boot. */
export const AuthConfigSchema = ServiceConfigSchema.extend({});
