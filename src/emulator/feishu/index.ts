/**
 * A local Feishu Open Platform emulator (plain node:http, no test-framework imports).
 *
 *   const emu = await FeishuEmulator.start({ users: [...] });
 *   const client = new lark.Client({ appId: emu.appId, appSecret: emu.appSecret, domain: emu.url });
 *   ...
 *   await emu.stop();
 *
 * The long connection (long-connection.ts): the SDK's WSClient discovers and connects with the same domain;
 *   const ws = new lark.WSClient({ appId: emu.appId, appSecret: emu.appSecret, domain: emu.url });
 *   ws.start({ eventDispatcher });
 *   await emu.longConnection.waitForConnections(1);
 *   const ack = await emu.pushEvent(body, { fragments: 2 });   // { code: 200, data?: the handler's answer }
 *
 * Helpdesk APIs also need the helpdesk credential (helpdesk.ts):
 *   const emu = await FeishuEmulator.start({ helpdesks: [{ id: '7001', token: 'ht-x' }] });
 *   const client = new lark.Client({ ..., helpDeskId: '7001', helpDeskToken: 'ht-x' });
 *   await client.helpdesk.v1.event.subscribe({ data: { events } }, lark.withHelpDeskCredential());
 *
 * Doctor's calls: GET /open-apis/application/v6/scopes answers `grantedScopes` / `pendingScopes` (or what
 * `emu.scopes.set(granted, pending)` set), and bot/v3/info reports `botActivateStatus` (default 2, enabled).
 *
 * Error codes and the choices made where Feishu's behaviour is undocumented: ./codes.ts.
 */
export {
  FeishuEmulator,
  DEFAULT_APP_ID,
  DEFAULT_APP_SECRET,
  DEFAULT_BOT_NAME,
  DEFAULT_BOT_OPEN_ID,
  DEFAULT_TENANT_KEY,
} from './emulator.js';
export { ERR, HELPDESK_EVENTS } from './codes.js';
export { ENDPOINT_AUTH_FAILED, type ClientConfig, type PushAck } from './long-connection.js';
export type {
  EmulatedChat,
  EmulatedHelpdesk,
  EmulatedTicket,
  EmulatedUser,
  FailureMatch,
  FeishuEmulatorOptions,
  PatchRecord,
  RequestRecord,
  ScriptedFailure,
  SentMessage,
} from './types.js';
