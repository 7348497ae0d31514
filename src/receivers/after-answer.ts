/** Runs a card click's follow-up once its HTTP answer has gone back (Feishu refuses updates of a card until then). */
import type { Context } from 'koa';

export function afterResponse(ctx: Context, work: (() => Promise<void>) | undefined): void {
  if (!work) return;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void work();
  };
  // 'finish': the answer was handed to the network; 'close': the connection ended first (the work still runs).
  ctx.res.once('finish', start);
  ctx.res.once('close', start);
}
