// The sandbox console: chats, events and queues, driven through /sandbox/api. Plain DOM, no dependencies.
import { renderMessage } from './render.js';

const $ = (id) => document.getElementById(id);
const state = {
  users: [],
  groups: [],
  bot: null,
  data: null,
  version: -1,
  chat: null,
  lang: 'zh_cn',
  seeds: [],
  seed: null,
  /** Each bot message's rendered card, kept while its content and the language stay: a form keeps its edits. */
  rendered: new Map(),
};

async function api(path, body) {
  const res = await fetch(
    `/sandbox/api/${path}`,
    body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
  );
  const data = await res.json();
  if (!res.ok) throw new Error(data.message || `${res.status}`);
  return data;
}

function nameOf(openId) {
  if (state.bot && openId === state.bot.open_id) return state.bot.name;
  const group = state.groups.find((g) => g.chat_id === openId);
  if (group) return group.name;
  const user = state.users.find((u) => u.open_id === openId || u.p2p_chat_id === openId);
  if (!user) return openId;
  return state.lang === 'en_us' ? user.en_name : user.name;
}

function toast(t) {
  if (!t) return;
  const node = document.createElement('div');
  node.className = `toast toast-${t.type || 'info'}`;
  node.textContent = (t.i18n && t.i18n[state.lang]) || t.content || '';
  $('toasts').appendChild(node);
  setTimeout(() => node.remove(), 4000);
}

// ---- chats -------------------------------------------------------------------------------------------------

function chats() {
  return [
    ...state.users.map((u) => ({
      id: u.p2p_chat_id,
      kind: 'p2p',
      user: u,
      title: `${u.name} ${u.en_name}`,
      members: [u.open_id],
    })),
    ...state.groups.map((g) => ({ id: g.chat_id, kind: 'group', title: g.name, members: g.members })),
  ];
}

function renderChatList() {
  const list = $('chat-list');
  list.textContent = '';
  const messages = state.data ? state.data.messages : [];
  for (const c of chats()) {
    const item = document.createElement('button');
    item.className = `chat-item${state.chat && state.chat.id === c.id ? ' active' : ''}`;
    item.dataset.chat = c.id;
    item.dataset.kind = c.kind;
    const count = messages.filter((m) => m.chat_id === c.id).length;
    item.innerHTML = '<span class="chat-name"></span><span class="chat-sub"></span><span class="badge"></span>';
    item.querySelector('.chat-name').textContent = c.title;
    item.querySelector('.chat-sub').textContent =
      c.kind === 'p2p'
        ? `${c.user.admin ? 'admin · ' : ''}${c.user.manager ? `manager ${nameOf(c.user.manager)}` : c.user.email}`
        : `group · ${c.members.length} members`;
    item.querySelector('.badge').textContent = count ? String(count) : '';
    item.addEventListener('click', () => openChat(c.id));
    list.appendChild(item);
  }
}

function openChat(id) {
  state.chat = chats().find((c) => c.id === id);
  // Opening a person's chat with the bot for the first time is what makes Feishu send the first-chat event.
  if (state.chat.kind === 'p2p')
    api('open', { open_id: state.chat.user.open_id })
      .then(() => refresh())
      .catch((e) => toast({ type: 'error', content: String(e.message || e) }));
  const as = $('as-user');
  as.textContent = '';
  const members = state.chat.kind === 'p2p' ? state.chat.members : state.users.map((u) => u.open_id);
  for (const openId of members) {
    const opt = document.createElement('option');
    opt.value = openId;
    opt.textContent = nameOf(openId);
    as.appendChild(opt);
  }
  if (state.chat.kind === 'group') as.value = state.chat.members[0];
  as.disabled = state.chat.kind === 'p2p';
  $('chat-title').textContent =
    state.chat.kind === 'p2p' ? `${state.chat.title} ↔ ${state.bot.name}` : state.chat.title;
  $('hint').textContent =
    state.chat.kind === 'group'
      ? 'In a group the bot only reads messages that mention it: start with @bot (e.g. "@bot help"). ' +
        '@Name mentions a demo user.'
      : 'Every message here goes to the bot. @Name mentions a demo user (e.g. "manager @李雷 @王芳").';
  renderChatList();
  renderMessages(true);
}

function renderMessages(scrollToEnd) {
  const box = $('messages');
  if (!state.chat || !state.data) return;
  const atEnd = scrollToEnd || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.textContent = '';
  const items = [
    ...state.data.messages.filter((m) => m.chat_id === state.chat.id).map((m) => ({ at: m.at, bot: m })),
    ...state.data.typed.filter((t) => t.chat_id === state.chat.id).map((t) => ({ at: t.at, typed: t })),
  ].sort((a, b) => a.at - b.at);
  for (const item of items) {
    const row = document.createElement('div');
    const who = document.createElement('div');
    who.className = 'who';
    if (item.bot) {
      const m = item.bot;
      row.className = 'msg from-bot';
      row.dataset.messageId = m.message_id;
      // An ephemeral card: Feishu shows it only to one member of the group, marked "only visible to you".
      const only = m.visible_to ? ` · only ${nameOf(m.visible_to)} sees this` : '';
      who.textContent = `${state.bot.name}${m.updated ? ' · updated' : ''}${only}`;
      if (m.visible_to) row.classList.add('ephemeral');
      row.appendChild(who);
      const key = `${state.lang}\n${m.content}`;
      let shown = state.rendered.get(m.message_id);
      if (!shown || shown.key !== key) {
        shown = {
          key,
          node: renderMessage(m.msg_type, m.content, {
            lang: state.lang,
            nameOf,
            people: state.chat.members,
            isPerson: (id) => state.users.some((u) => u.open_id === id),
            onAction: (value, button) => click(m.message_id, value, button),
            onSubmit: (submission, button) => submit(m.message_id, submission, button),
          }),
        };
        state.rendered.set(m.message_id, shown);
      }
      row.appendChild(shown.node);
    } else {
      row.className = 'msg from-user';
      who.textContent = nameOf(item.typed.from);
      const bubble = document.createElement('div');
      bubble.className = 'bubble';
      bubble.textContent = item.typed.text;
      row.appendChild(who);
      row.appendChild(bubble);
    }
    box.appendChild(row);
  }
  if (atEnd) box.scrollTop = box.scrollHeight;
}

/** The bot's answer to a card callback: its toast, or what went wrong (a card Feishu would refuse included). */
function showAnswer(answer) {
  if (answer.status !== 200) toast({ type: 'error', content: `HTTP ${answer.status}: ${JSON.stringify(answer.body)}` });
  else toast(answer.body.toast);
  if (answer.card_refused) toast({ type: 'error', content: `The answer's card was refused: ${answer.card_refused}` });
}

async function click(messageId, value, button) {
  const operator = $('as-user').value;
  button.disabled = true;
  try {
    const answer = await api('click', { message_id: messageId, operator, value });
    showAnswer(answer);
    await refresh();
  } catch (e) {
    toast({ type: 'error', content: String(e.message || e) });
  } finally {
    button.disabled = false;
  }
}

/** A form's submit: the bot gets a callback with the form's values (form_value); its answer replaces the card. */
async function submit(messageId, submission, button) {
  const operator = $('as-user').value;
  button.disabled = true;
  try {
    const answer = await api('submit', { message_id: messageId, operator, ...submission });
    showAnswer(answer);
    await refresh();
  } catch (e) {
    toast({ type: 'error', content: String(e.message || e) });
  } finally {
    button.disabled = false;
  }
}

$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || !state.chat) return;
  $('text').value = '';
  try {
    const answer = await api('say', { from: $('as-user').value, chat_id: state.chat.id, text });
    if (answer.status !== 200)
      toast({ type: 'error', content: `HTTP ${answer.status}: ${JSON.stringify(answer.body)}` });
  } catch (e) {
    toast({ type: 'error', content: String(e.message || e) });
  }
  await refresh();
});

async function refresh() {
  const data = await api('state');
  if (data.version === state.version) return;
  state.version = data.version;
  state.data = data;
  renderChatList();
  renderMessages(false);
  document.body.dataset.version = String(data.version);
}

// ---- events ------------------------------------------------------------------------------------------------

async function loadSeeds(keep) {
  state.seeds = await api('seeds');
  const list = $('seed-list');
  list.textContent = '';
  let group = '';
  for (const s of state.seeds) {
    if (s.group !== group) {
      group = s.group;
      const h = document.createElement('h4');
      h.textContent = group;
      list.appendChild(h);
    }
    const b = document.createElement('button');
    b.className = 'seed-item';
    b.dataset.seed = s.id;
    b.textContent = s.label;
    b.addEventListener('click', () => chooseSeed(s.id));
    list.appendChild(b);
  }
  if (keep) chooseSeed(keep);
}

function chooseSeed(id) {
  state.seed = state.seeds.find((s) => s.id === id);
  for (const b of document.querySelectorAll('.seed-item')) b.classList.toggle('active', b.dataset.seed === id);
  const seedPath = { event: '/webhook/event', alm: '/webhook/alm', qingsuyun: '/webhook/qingsuyun' }[state.seed.target];
  $('seed-title').textContent = `${state.seed.label} → ${seedPath}`;
  $('seed-body').value = JSON.stringify(state.seed.body, null, 2);
  $('fire-result').textContent = '';
}

$('fire').addEventListener('click', async () => {
  if (!state.seed) return;
  let body;
  try {
    body = JSON.parse($('seed-body').value);
  } catch (e) {
    $('fire-result').textContent = `Not JSON: ${e.message}`;
    return;
  }
  try {
    const answer = await api('fire', { target: state.seed.target, body });
    $('fire-result').textContent =
      `HTTP ${answer.status}\n${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, 2)}`;
    $('fire-result').dataset.status = String(answer.status);
  } catch (e) {
    $('fire-result').textContent = String(e.message || e);
  }
});
$('reload-seed').addEventListener('click', () => state.seed && loadSeeds(state.seed.id));

// ---- queues ------------------------------------------------------------------------------------------------

function fillTable(id, rows, cells) {
  const body = $(id).querySelector('tbody');
  body.textContent = '';
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.className = `status-${r.status}`;
    for (const c of cells(r)) {
      const td = document.createElement('td');
      td.textContent = c == null ? '' : String(c);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');

async function refreshQueues() {
  const [q, callbacks] = await Promise.all([api('queues'), api('callbacks')]);
  // The latest first, like the queues; a form's submit shows what its form_value carried.
  const json = (v) => (v === undefined ? '' : JSON.stringify(v));
  fillTable('callbacks', [...callbacks].reverse(), (c) => [
    time(c.at),
    c.message_id,
    c.action.name || c.action.tag,
    json(c.action.value),
    json(c.action.form_value),
    `${c.answer.status} ${json(c.answer.body && c.answer.body.toast && c.answer.body.toast.content)}`,
  ]);
  $('pending-failures').textContent = q.pending_failures ? `${q.pending_failures} scripted failure(s) waiting` : '';
  fillTable('inbox', q.inbox, (e) => [
    time(e.received_at),
    e.source,
    e.event_type,
    e.status,
    e.attempts,
    e.last_error,
    e.note,
  ]);
  fillTable('outbox', q.outbox, (n) => [
    time(n.created_at),
    `${n.kind}${n.operation === 'patch' ? ' (update)' : ''}`,
    `${n.receive_id_type} ${nameOf(n.receive_id)}`,
    n.status,
    n.attempts,
    n.last_error,
    n.message_id,
  ]);
}

$('fail').addEventListener('click', async () => {
  const r = await api('fail', { kind: $('fail-kind').value, times: Number($('fail-times').value) });
  $('pending-failures').textContent = `${r.pending_failures} scripted failure(s) waiting`;
});

// ---- wiring ------------------------------------------------------------------------------------------------

for (const tab of document.querySelectorAll('button.tab')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('button.tab')) t.classList.toggle('active', t === tab);
    for (const p of document.querySelectorAll('.panel'))
      p.classList.toggle('active', p.id === `panel-${tab.dataset.tab}`);
    if (tab.dataset.tab === 'queues') void refreshQueues();
  });
}
$('lang').addEventListener('change', () => {
  state.lang = $('lang').value;
  renderChatList();
  renderMessages(false);
});

// ---- clock --------------------------------------------------------------------------------------------------

function showClock(now) {
  const d = new Date(now);
  $('clock-now').textContent = d.toLocaleString(state.lang === 'en_us' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  $('clock-now').dataset.now = now;
}

/** The next Monday 09:30 in Asia/Shanghai (UTC+8, no daylight saving) after `now`. */
function nextMonday0930(now) {
  const local = new Date(new Date(now).getTime() + 8 * 3600_000);
  const days = (8 - local.getUTCDay()) % 7 || 7;
  const target = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 9, 30) - 8 * 3600_000;
  return new Date(target).toISOString();
}

async function moveClock(body) {
  for (const b of document.querySelectorAll('#clock button')) b.disabled = true;
  try {
    const { now } = await api('clock', body);
    showClock(now);
    await refresh();
  } catch (err) {
    toast({ type: 'error', content: String(err.message || err) });
  } finally {
    for (const b of document.querySelectorAll('#clock button')) b.disabled = false;
  }
}

$('clock-hour').addEventListener('click', () => moveClock({ advance: 'PT1H' }));
$('clock-day').addEventListener('click', () => moveClock({ advance: 'P1D' }));
$('clock-monday').addEventListener('click', async () => {
  const { now } = await api('clock');
  await moveClock({ to: nextMonday0930(now) });
});

const [users, groups] = await Promise.all([api('users'), api('groups')]);
state.users = users;
state.groups = groups;
await refresh();
state.bot = state.data.bot;
openChat(state.users[0].p2p_chat_id);
await loadSeeds();
document.body.dataset.ready = 'true';
showClock((await api('clock')).now);
setInterval(() => {
  refresh().catch(() => {});
  api('clock')
    .then(({ now }) => showClock(now))
    .catch(() => {});
  if ($('panel-queues').classList.contains('active')) refreshQueues().catch(() => {});
}, 500);
