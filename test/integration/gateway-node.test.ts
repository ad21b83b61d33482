import { gatewaySuite } from './gateway-suite.ts';

gatewaySuite('node');
