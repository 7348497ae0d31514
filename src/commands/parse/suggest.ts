/**
 * The commands closest to a word that is not one: "routes" → route, "stauts" → status, "静默" → 静音 (mute).
 * Distance is counted in edits (insert, delete, replace, swap two neighbours) against both languages' words. Pure.
 */
import { COMMANDS, type CommandName } from '../catalog.js';

/** At most this many suggestions. */
const MAX_SUGGESTIONS = 3;

/** The closest commands, nearest first (catalog order among equals); none when nothing is close. */
export function closestCommands(word: string): CommandName[] {
  const w = word.toLowerCase();
  if (w === '' || w.length > 40) return [];
  const scored: { name: CommandName; d: number; i: number }[] = [];
  COMMANDS.forEach((c, i) => {
    const d = Math.min(...[c.name, c.zh].map((cand) => closeness(w, cand)));
    if (Number.isFinite(d)) scored.push({ name: c.name, d, i });
  });
  return scored
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.name);
}

/** The edit distance when it is small for words of this length (a third of the shorter, at least 1), else ∞. */
function closeness(word: string, cand: string): number {
  const limit = Math.max(1, Math.floor(Math.min([...word].length, [...cand].length) / 3));
  const d = editDistance(word, cand);
  return d <= limit ? d : Infinity;
}

/** Optimal-string-alignment distance over code points. */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[t.length]!;
}
