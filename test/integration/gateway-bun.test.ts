import { gatewaySuite } from './gateway-suite.ts';

gatewaySuite('bun');
