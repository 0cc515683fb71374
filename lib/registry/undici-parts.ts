/**
 * The parts of undici the registry client uses, loaded alone: the package entry also loads
 * fetch, WebSocket, the caches and the mocks, about 45 ms of CPU at every start of the CLI.
 * undici is pinned to an exact version, whose file layout these paths follow (the types are the
 * package's own, see undici-modules.d.ts).
 */
import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import build from 'undici/lib/core/connect.js';

export const Agent: typeof UndiciAgent = AgentClass;
export type Agent = UndiciAgent;
export const buildConnector: typeof undiciBuildConnector = build;
