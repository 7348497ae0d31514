import type { FeishuClient } from './client.js';
import { classifyFeishuError, classifyFeishuResponse, type FeishuFailure } from './errors.js';

export interface OutgoingMessage {
  receiveIdType: string;
  receiveId: string;
  msgType: string;
  content: string;
  uuid: string;
  /** With a `chat_id`: an ephemeral card only this open_id sees in that group (`POST /open-apis/ephemeral/v1/send`). */
  visibleTo?: string;
  /** Sent as a reply to this message (im.v1.message.reply), in that message's chat; `receiveId` is then unused. */
  replyTo?: string;
}

export type SendResult = { ok: true; messageId: string } | { ok: false; failure: FeishuFailure };

export type PatchResult = { ok: true } | { ok: false; failure: FeishuFailure };

export interface MessageSender {
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Replaces the card of a message sent earlier (im.v1.message.patch). */
  patch?(messageId: string, content: string): Promise<PatchResult>;
  /** An in-app urgent notification on a message the bot sent, for these people (im.v1.message.urgentApp). */
  urgent?(messageId: string, openIds: string[]): Promise<PatchResult>;
}

/** Sends through the SDK's im.v1.message.create, passing the notification's uuid for Feishu's dedupe. */
export class FeishuMessageSender implements MessageSender {
  constructor(private readonly feishu: FeishuClient) {}

  async send(m: OutgoingMessage): Promise<SendResult> {
    if (m.visibleTo !== undefined) return this.sendEphemeral(m, m.visibleTo);
    try {
      if (m.replyTo) {
        const res = await this.feishu.client.im.v1.message.reply({
          path: { message_id: m.replyTo },
          data: { msg_type: m.msgType, content: m.content, uuid: m.uuid },
        });
        if (res.code === 0 && res.data?.message_id) return { ok: true, messageId: res.data.message_id };
        return this.failed(classifyFeishuResponse(200, res));
      }
      const res = await this.feishu.client.im.v1.message.create({
        params: { receive_id_type: m.receiveIdType as 'open_id' },
        data: { receive_id: m.receiveId, msg_type: m.msgType, content: m.content, uuid: m.uuid },
      });
      if (res.code === 0 && res.data?.message_id) return { ok: true, messageId: res.data.message_id };
      return this.failed(classifyFeishuResponse(200, res));
    } catch (err) {
      return this.failed(classifyFeishuError(err));
    }
  }

  /**
   * An ephemeral card: shown in the group only to `openId`, marked "only visible to you", on the clients that are
   * online. The call takes no uuid, so a resend after a lost answer may show the card twice; it accepts card JSON
   * 2.0 but not per-element languages (`i18n_content`), so the card comes in one language.
   */
  private async sendEphemeral(m: OutgoingMessage, openId: string): Promise<SendResult> {
    try {
      const res = await this.feishu.client.request<{ code?: number; msg?: string; data?: { message_id?: string } }>({
        method: 'POST',
        url: '/open-apis/ephemeral/v1/send',
        data: { chat_id: m.receiveId, open_id: openId, msg_type: 'interactive', card: JSON.parse(m.content) as object },
      });
      if (res.code === 0 && res.data?.message_id) return { ok: true, messageId: res.data.message_id };
      return this.failed(classifyFeishuResponse(200, res));
    } catch (err) {
      return this.failed(classifyFeishuError(err));
    }
  }

  async patch(messageId: string, content: string): Promise<PatchResult> {
    try {
      const res = await this.feishu.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } });
      if (res.code === 0) return { ok: true };
      return this.failed(classifyFeishuResponse(200, res));
    } catch (err) {
      return this.failed(classifyFeishuError(err));
    }
  }

  async urgent(messageId: string, openIds: string[]): Promise<PatchResult> {
    try {
      const res = await this.feishu.client.im.v1.message.urgentApp({
        path: { message_id: messageId },
        params: { user_id_type: 'open_id' },
        data: { user_id_list: openIds },
      });
      if (res.code === 0) return { ok: true };
      return this.failed(classifyFeishuResponse(200, res));
    } catch (err) {
      return this.failed(classifyFeishuError(err));
    }
  }

  private failed(failure: FeishuFailure): { ok: false; failure: FeishuFailure } {
    if (failure.tokenInvalid) this.feishu.tokens.clear();
    return { ok: false, failure };
  }
}
