// Hands out fresh loopback source addresses, so client sockets never run out of ports.
/**
 * Linux gives ~28k ephemeral ports per (source address) when a socket binds before connecting,
 * and closed sockets hold theirs in TIME_WAIT for a minute: every load run takes addresses
 * nobody used before in this bench, at most PER_ADDRESS sockets each.
 */
export const PER_ADDRESS = 20_000;

let next = 2; // 127.0.0.1 is where the servers listen; clients start at 127.0.0.2.

/** Enough unused addresses 127.0.x.y for `sockets` client sockets. */
export function takeAddresses(sockets: number): string[] {
  const count = Math.max(1, Math.ceil(sockets / PER_ADDRESS));
  const out: string[] = [];
  while (out.length < count) {
    const host = next % 256;
    if (host !== 0 && host !== 255) out.push(`127.0.${Math.floor(next / 256)}.${host}`);
    next += 1;
  }
  return out;
}
