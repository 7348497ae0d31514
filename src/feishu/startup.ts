/**
 * What the bot asks Feishu once at start: its own open_id (bot/v3/info), and the helpdesk ticket event
 * subscription (Feishu pushes helpdesk events only to apps that subscribed through the helpdesk API).
 * Neither blocks the start; each logs its outcome.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { FeishuClient } from './client.js';
import { classifyFeishuError, classifyFeishuResponse } from './errors.js';

export const TICKET_EVENTS = [
  { type: 'helpdesk.ticket', subtype: 'ticket.created_v1' },
  { type: 'helpdesk.ticket', subtype: 'ticket.updated_v1' },
];

export async function fetchBotOpenId(feishu: FeishuClient, log: Logger): Promise<string | undefined> {
  try {
    const res = (await feishu.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
      code?: number;
      bot?: { open_id?: string };
    };
    if (res.code === 0 && res.bot?.open_id) return res.bot.open_id;
    log.warn(
      { reason: classifyFeishuResponse(200, res).reason },
      'could not read the bot open_id; group mentions are recognised by position',
    );
  } catch (err) {
    log.warn(
      { reason: classifyFeishuError(err).reason },
      'could not read the bot open_id; group mentions are recognised by position',
    );
  }
  return undefined;
}

/** Subscribes the helpdesk's ticket events; subscribing again is harmless. */
export async function subscribeTicketEvents(feishu: FeishuClient, config: Config, log: Logger): Promise<boolean> {
  if (!config.FEISHU_HELPDESK_ID || !config.FEISHU_HELPDESK_TOKEN) {
    log.info(
      'FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN are not set: ' +
        'subscribe the helpdesk ticket events by hand (helpdesk/v1/events/subscribe) to receive tickets',
    );
    return false;
  }
  try {
    const res = await feishu.client.helpdesk.v1.event.subscribe(
      { data: { events: TICKET_EVENTS } },
      lark.withHelpDeskCredential(),
    );
    if (res.code === 0) {
      log.info({ events: TICKET_EVENTS.map((e) => e.subtype) }, 'helpdesk ticket events subscribed');
      return true;
    }
    log.error({ reason: classifyFeishuResponse(200, res).reason }, 'helpdesk ticket event subscription refused');
  } catch (err) {
    log.error({ reason: classifyFeishuError(err).reason }, 'helpdesk ticket event subscription failed');
  }
  return false;
}
