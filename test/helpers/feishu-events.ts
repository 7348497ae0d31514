/** Feishu's side of events and callbacks (building, encrypting, signing, posting) lives with the emulator. */
export * from '../../src/emulator/feishu/events.js';
