/** Names of the gateway's own control events; streams and event names may not use them. */
export const CONTROL_EVENTS = ['connected', 'gap', 'expired', 'shutdown'] as const;

export type ControlEvent = (typeof CONTROL_EVENTS)[number];
