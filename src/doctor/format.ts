/** Doctor's report as plain text (the `npm run doctor` script) and as a card (the `doctor` chat command). Pure. */
import { t, userText } from '../../cards/kit.js';
import { replyCard } from '../../cards/reply.js';
import type { CheckResult, CheckStatus } from './checks.js';
import type { DoctorReport } from './run.js';

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
const ICON: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌' };

function tally(results: readonly CheckResult[]): { fail: number; warn: number } {
  return {
    fail: results.filter((r) => r.status === 'fail').length,
    warn: results.filter((r) => r.status === 'warn').length,
  };
}

export function reportText(report: DoctorReport): string {
  const lines = report.results.flatMap((r) => [
    `${MARK[r.status]}  ${r.name}: ${r.detail}`,
    ...(r.fix ? [`      → ${r.fix}`] : []),
  ]);
  const { fail, warn } = tally(report.results);
  lines.push(
    '',
    fail ? `${fail} failed, ${warn} to look at.` : warn ? `No failure; ${warn} to look at.` : 'All checks passed.',
  );
  return lines.join('\n');
}

export function reportCard(report: DoctorReport): Record<string, unknown> {
  const { fail, warn } = tally(report.results);
  // The checks quote settings names, Feishu's answers and stored error texts: each is escaped.
  const line = (status: CheckStatus, text: { name: string; detail: string; fix?: string }, colon: string) =>
    `${ICON[status]} **${userText(text.name, 80)}**${colon}${userText(text.detail, 600)}` +
    (text.fix ? `\n→ ${userText(text.fix, 400)}` : '');
  const body = {
    zh: report.results.map((r) => line(r.status, r.zh, '：')).join('\n'),
    en: report.results.map((r) => line(r.status, r, ': ')).join('\n'),
  };
  const summary = t(
    fail ? `${fail} 项失败，${warn} 项需要注意。` : warn ? `没有失败，${warn} 项需要注意。` : '全部通过。',
    fail ? `${fail} failed, ${warn} to look at.` : warn ? `No failure; ${warn} to look at.` : 'All checks passed.',
  );
  return replyCard({
    title: t('诊断', 'Doctor'),
    body: t(`${summary.zh}\n\n${body.zh}`, `${summary.en}\n\n${body.en}`),
    template: fail ? 'red' : warn ? 'orange' : 'green',
  });
}
