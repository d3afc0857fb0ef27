import { BaseConfigSchema } from '@gardien/platform';

/** Configuration of the auth service, validated at boot. */
export const AuthConfigSchema = BaseConfigSchema.extend({});
