/**
 * A local Adobe Learning Manager emulator (plain node:http, no test-framework imports): the OAuth token refresh
 * and the primeapi v2 user, learning-object and learning-object-instance lookups, with the admin rate limit (500
 * per hour per API).
 *
 *   const emu = await AlmEmulator.start({ clientId, clientSecret, refreshToken });
 *   emu.addUser({ id: 12345678, email: 'a@example.com', name: 'A' });
 *   const api = new AlmApi({ baseUrl: emu.url, clientId, clientSecret, refreshToken, budget });
 *   ...
 *   await emu.stop();
 *
 * Chosen where ALM's behaviour is not documented here: the rate limit counts every admitted /primeapi call
 * (401s and 404s included, 429s not), per API (users and learningObjects separately); a refresh always issues a
 * new access token and earlier ones stay valid until they expire; error bodies are `{ status, title, detail }`,
 * and a failed refresh is 401 `{ error: 'invalid_grant', error_description }`.
 */
export { AlmEmulator, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN } from './emulator.js';
export type {
  AlmEmulatorOptions,
  AlmFailureMatch,
  AlmRequestRecord,
  AlmScriptedFailure,
  EmulatedAlmUser,
  EmulatedInstance,
  EmulatedLearningObject,
} from './types.js';
