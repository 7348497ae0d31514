import { renderCard } from './render.js';

const root = document.getElementById('gallery');
const [cards, users] = await Promise.all(
  ['/sandbox/api/gallery', '/sandbox/api/users'].map((path) => fetch(path).then((r) => r.json())),
);
/** A mentioned demo user by name, as Feishu shows a mention to a reader in that language. */
const nameOf = (lang) => (id) => {
  const user = users.find((u) => u.open_id === id);
  return user ? (lang === 'en_us' ? user.en_name : user.name) : id;
};
for (const item of cards) {
  const section = document.createElement('section');
  section.className = 'gallery-item';
  const title = document.createElement('h3');
  title.textContent = `${item.name} `;
  const builder = document.createElement('code');
  builder.textContent = item.builder;
  title.appendChild(builder);
  section.appendChild(title);
  const row = document.createElement('div');
  row.className = 'gallery-row';
  for (const lang of ['zh_cn', 'en_us']) {
    const cell = document.createElement('div');
    cell.className = 'gallery-cell';
    cell.dataset.lang = lang;
    const label = document.createElement('div');
    label.className = 'muted';
    label.textContent = lang;
    cell.appendChild(label);
    // Forms can be filled in and checked (required fields), but a submit sends nothing from the gallery.
    const people = users.map((u) => u.open_id);
    const isPerson = (id) => people.includes(id);
    cell.appendChild(renderCard(item.card, { lang, nameOf: nameOf(lang), people, isPerson }));
    row.appendChild(cell);
  }
  section.appendChild(row);
  root.appendChild(section);
}
document.body.dataset.ready = String(cards.length);
