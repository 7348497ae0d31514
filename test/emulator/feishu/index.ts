/**
 * A local Feishu Open Platform emulator (plain node:http, no test-framework imports).
 *
 *   const emu = await FeishuEmulator.start({ users: [...] });
 *   const client = new lark.Client({ appId: emu.appId, appSecret: emu.appSecret, domain: emu.url });
 *   ...
 *   await emu.stop();
 *
 * Error codes and the choices made where Feishu's behaviour is undocumented: ./codes.ts.
 */
export { FeishuEmulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_TENANT_KEY } from './emulator.js';
export { ERR } from './codes.js';
export type {
  EmulatedChat,
  EmulatedUser,
  FailureMatch,
  FeishuEmulatorOptions,
  PatchRecord,
  RequestRecord,
  ScriptedFailure,
  SentMessage,
} from './types.js';
