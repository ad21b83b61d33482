/** The typed browser client's public API. */
export { createSseClient } from './sse-client.ts';
export type { SseClient, SseClientOptions, SseClientState } from './sse-client.ts';
export { createSseParser } from './sse-parser.ts';
export type { SseEvent, SseParser, SseParserHandlers } from './sse-parser.ts';
