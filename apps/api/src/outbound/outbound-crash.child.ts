import { openSqliteEventStore } from '@helpdesk/event-store';
import { systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { HttpGraphApi } from './graph-api-client.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';

/** Runs a dispatcher on the embedded store at `dataDir` until it is killed; its clock stands still at `now`. */
export function main(dataDir: string, apiUrl: string, accessToken: string, now: string): void {
  const store = openSqliteEventStore({ dataDir });
  const graph = new HttpGraphApi({ apiUrl, accessToken });
  new OutboundDispatcher({
    store,
    graph,
    clock: { now: () => new Date(now) },
    timers: systemTimers,
    random: Math.random,
  }).start();
}
