import { renderCard } from './render.js';

const root = document.getElementById('gallery');
const res = await fetch('/sandbox/api/gallery');
const cards = await res.json();
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
    cell.appendChild(renderCard(item.card, { lang, nameOf: (id) => id }));
    row.appendChild(cell);
  }
  section.appendChild(row);
  root.appendChild(section);
}
document.body.dataset.ready = String(cards.length);
