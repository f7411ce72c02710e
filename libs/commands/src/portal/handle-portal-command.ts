import { handleCommand } from '@helpdesk/command-handling';
import { portalDecider, portalStreamName, type PortalCommand, type RegisteredPortal } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { causationFrom, type CommandOrigin } from '../shared/command-origin.js';
import { registeredPortal } from './load-portal.js';

/** Decides `command` on the stream of the portal `origin.portalId`; answers the registered portal it leaves. */
export async function handlePortalCommand(
  store: EventStore,
  origin: CommandOrigin,
  command: PortalCommand,
): Promise<RegisteredPortal> {
  const stream = portalStreamName(origin.portalId);
  const { state } = await handleCommand(store, stream, portalDecider, command, { causation: causationFrom(origin) });
  return registeredPortal(state, origin.portalId);
}
