/**
 * Turns what someone types in the console ("@Bot help", "manager @李雷 @王芳") into Feishu's message form: each
 * mention becomes an `@_user_N` key in the text, with the person it names in `mentions`. Pure.
 */
interface Mentionable {
  open_id: string;
  user_id?: string;
  name: string;
  en_name?: string;
}

export function mentionsIn(
  text: string,
  bot: Mentionable,
  users: readonly Mentionable[],
): { text: string; mentions: { open_id: string; user_id?: string; name: string }[] } {
  const names: [string, Mentionable][] = [
    ['bot', bot],
    [bot.name, bot],
  ];
  for (const u of users) {
    names.push([u.name, u]);
    if (u.en_name) names.push([u.en_name, u]);
  }
  // Longest names first, so "@Li Lei" is not read as "@Li".
  names.sort((a, b) => b[0].length - a[0].length);
  const mentions: { open_id: string; user_id?: string; name: string }[] = [];
  let out = '';
  for (let i = 0; i < text.length;) {
    const match =
      text[i] === '@'
        ? names.find(([n]) => text.slice(i + 1, i + 1 + n.length).toLowerCase() === n.toLowerCase())
        : undefined;
    if (!match) {
      out += text[i];
      i++;
      continue;
    }
    const [name, who] = match;
    mentions.push({ open_id: who.open_id, ...(who.user_id && { user_id: who.user_id }), name: who.name });
    out += `@_user_${mentions.length}`;
    i += 1 + name.length;
  }
  return { text: out, mentions };
}
