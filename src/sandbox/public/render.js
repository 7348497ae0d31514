// Renders Feishu card JSON 2.0 (and plain text messages) into DOM nodes, close to how the Feishu client shows
// them: header with its template colour, markdown, column sets, dividers and buttons. No dependencies.

const HEADER_COLOURS = {
  blue: ['#e1eaff', '#245bdb'],
  wathet: ['#e1f4ff', '#0e7fb8'],
  turquoise: ['#d9f5f0', '#078372'],
  green: ['#e3f6df', '#2f8a1e'],
  yellow: ['#fdf6d4', '#a07b00'],
  orange: ['#feead2', '#c25b00'],
  red: ['#fde2e2', '#d83931'],
  carmine: ['#fde2ec', '#c71e5b'],
  violet: ['#f0e5fd', '#8a38d6'],
  purple: ['#ece2fe', '#6a3ad6'],
  indigo: ['#e0e3fd', '#3f4fd1'],
  grey: ['#eff0f1', '#51565d'],
  default: ['#ffffff', '#1f2329'],
};

const FONT_COLOURS = {
  red: '#d83931',
  green: '#2ea121',
  grey: '#8f959e',
  gray: '#8f959e',
  blue: '#245bdb',
  orange: '#de7802',
  yellow: '#dc9b04',
  violet: '#8a38d6',
  purple: '#6a3ad6',
  carmine: '#c71e5b',
  turquoise: '#078372',
  indigo: '#3f4fd1',
  wathet: '#0e7fb8',
  'red-500': '#f54a45',
  'green-500': '#34c724',
  'grey-600': '#646a73',
};

/** The text of a plain_text / markdown object in `lang` ('zh_cn' | 'en_us'). */
export function textOf(obj, lang) {
  if (!obj || typeof obj !== 'object') return '';
  const i18n = obj.i18n_content;
  if (i18n && typeof i18n[lang] === 'string') return i18n[lang];
  return typeof obj.content === 'string' ? obj.content : '';
}

function escapeHtml(s) {
  // Numeric entities (how cards show markdown characters literally) are kept; everything else is escaped.
  return s
    .replace(/&(?!#\d{1,7};|#x[0-9a-fA-F]{1,6};)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function inline(line, ctx) {
  let s = escapeHtml(line);
  s = s.replace(
    /&lt;at (?:id|user_id|open_id)=(?:&quot;|')?([A-Za-z0-9_-]+)(?:&quot;|')?&gt;&lt;\/at&gt;/g,
    (_m, id) => {
      const name = id === 'all' ? (ctx.lang === 'en_us' ? 'all' : '所有人') : ctx.nameOf(id);
      return `<span class="md-at">@${escapeHtml(name)}</span>`;
    },
  );
  s = s.replace(/&lt;font color=(?:&quot;|')?([a-z0-9-]+)(?:&quot;|')?&gt;(.*?)&lt;\/font&gt;/g, (_m, colour, text) => {
    const css = FONT_COLOURS[colour] || '#1f2329';
    return `<span class="md-font" data-color="${colour}" style="color:${css}">${text}</span>`;
  });
  s = s.replace(/`([^`]+)`/g, '<code>$1</code>');
  s = s.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/~~(.+?)~~/g, '<del>$1</del>');
  s = s.replace(/(^|[^*])\*([^*\s][^*]*?)\*(?!\*)/g, '$1<em>$2</em>');
  s = s.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noreferrer">$1</a>');
  return s;
}

/** Feishu card markdown (a subset: bold, italics, strikethrough, code, links, <at>, <font>, lists, headings). */
export function markdownHtml(source, ctx) {
  const out = [];
  let list = null;
  const closeList = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  for (const line of source.split('\n')) {
    const bullet = /^\s*[-*] (.*)$/.exec(line);
    const numbered = /^\s*\d+\. (.*)$/.exec(line);
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      if (list !== kind) {
        closeList();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline((bullet || numbered)[1], ctx)}</li>`);
      continue;
    }
    closeList();
    if (heading) out.push(`<div class="md-h${heading[1].length}">${inline(heading[2], ctx)}</div>`);
    else if (line.trim() === '') out.push('<div class="md-gap"></div>');
    else out.push(`<div class="md-line">${inline(line, ctx)}</div>`);
  }
  closeList();
  return out.join('');
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderButton(b, ctx) {
  const label = textOf(b.text, ctx.lang);
  const behaviors = Array.isArray(b.behaviors) ? b.behaviors : [];
  const link = behaviors.find((x) => x.type === 'open_url');
  const callback = behaviors.find((x) => x.type === 'callback');
  const node = el(link && !b.disabled ? 'a' : 'button', `card-button type-${b.type || 'default'}`, label);
  if (b.disabled) {
    node.disabled = true;
    node.classList.add('disabled');
  } else if (link) {
    node.href = link.default_url || '#';
    node.target = '_blank';
    node.rel = 'noreferrer';
  } else if (callback || b.value) {
    const value = callback ? callback.value : b.value;
    node.dataset.value = JSON.stringify(value);
    node.addEventListener('click', () => ctx.onAction && ctx.onAction(value, node));
    if (!ctx.onAction) node.classList.add('inert');
  }
  return node;
}

function renderElements(elements, ctx, parent) {
  for (const e of elements || []) {
    const node = renderElement(e, ctx);
    if (node) parent.appendChild(node);
  }
}

function renderElement(e, ctx) {
  if (!e || typeof e !== 'object') return null;
  switch (e.tag) {
    case 'markdown': {
      const node = el('div', `card-md${e.text_size === 'notation' ? ' notation' : ''}`);
      node.innerHTML = markdownHtml(textOf(e, ctx.lang), ctx);
      if (e.text_align) node.style.textAlign = e.text_align;
      return node;
    }
    case 'div': {
      const node = el('div', 'card-md');
      const text = e.text || {};
      if (text.tag === 'lark_md') node.innerHTML = markdownHtml(textOf(text, ctx.lang), ctx);
      else node.textContent = textOf(text, ctx.lang);
      return node;
    }
    case 'plain_text':
      return el('div', 'card-plain', textOf(e, ctx.lang));
    case 'hr':
      return el('hr', 'card-hr');
    case 'button':
      return renderButton(e, ctx);
    case 'column_set': {
      const node = el('div', 'card-columns');
      if (e.horizontal_spacing) node.style.gap = e.horizontal_spacing;
      for (const c of e.columns || []) {
        const col = el('div', 'card-column');
        if (c.width === 'weighted') col.style.flex = String(c.weight || 1);
        else if (c.width && c.width !== 'auto') col.style.width = c.width;
        renderElements(c.elements, ctx, col);
        node.appendChild(col);
      }
      return node;
    }
    case 'action': {
      const node = el('div', 'card-columns');
      for (const a of e.actions || []) node.appendChild(renderButton(a, ctx));
      return node;
    }
    case 'img':
      return el('div', 'card-img', ctx.lang === 'en_us' ? '[image]' : '[图片]');
    default: {
      const node = el('div', 'card-unknown', `[${e.tag}]`);
      return node;
    }
  }
}

/**
 * A card as a DOM node. `ctx`: { lang: 'zh_cn' | 'en_us', nameOf(openId) -> display name, onAction(value, button) }.
 */
export function renderCard(card, ctx) {
  const root = el('div', 'card');
  const header = card.header;
  if (header) {
    const template = HEADER_COLOURS[header.template] ? header.template : 'default';
    const [bg, fg] = HEADER_COLOURS[template];
    const head = el('div', `card-header template-${template}`);
    head.dataset.template = template;
    head.style.background = bg;
    head.style.color = fg;
    head.appendChild(el('div', 'card-title', textOf(header.title, ctx.lang)));
    if (header.subtitle) head.appendChild(el('div', 'card-subtitle', textOf(header.subtitle, ctx.lang)));
    root.appendChild(head);
  }
  const body = el('div', 'card-body');
  const elements = card.body && Array.isArray(card.body.elements) ? card.body.elements : card.elements;
  renderElements(elements, ctx, body);
  root.appendChild(body);
  return root;
}

/** Any message: a card, a text, or a placeholder for other types. */
export function renderMessage(msgType, content, ctx) {
  let parsed;
  try {
    parsed = JSON.parse(content);
  } catch {
    parsed = null;
  }
  if (msgType === 'interactive' && parsed) return renderCard(parsed, ctx);
  if (msgType === 'text' && parsed) return el('div', 'bubble', parsed.text || '');
  return el('div', 'bubble', `[${msgType}]`);
}
