/**
 * A local Feishu Open Platform emulator (plain node:http, no test-framework imports).
 *
 *   const emu = await FeishuEmulator.start({ users: [...] });
 *   const client = new lark.Client({ appId: emu.appId, appSecret: emu.appSecret, domain: emu.url });
 *   ...
 *   await emu.stop();
 *
 * Helpdesk APIs also need the helpdesk credential (helpdesk.ts):
 *   const emu = await FeishuEmulator.start({ helpdesks: [{ id: '7001', token: 'ht-x' }] });
 *   const client = new lark.Client({ ..., helpDeskId: '7001', helpDeskToken: 'ht-x' });
 *   await client.helpdesk.v1.event.subscribe({ data: { events } }, lark.withHelpDeskCredential());
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
