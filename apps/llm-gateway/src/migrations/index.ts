// The gateway's migrations, in the order they apply.
import { CreateGatewayLedgers1733310000000 } from './1733310000000-create-gateway-ledgers.js';

export const LLM_GATEWAY_MIGRATIONS = [CreateGatewayLedgers1733310000000];
