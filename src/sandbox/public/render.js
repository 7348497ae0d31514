// Renders Feishu card JSON 2.0 (and plain text messages) into DOM nodes, close to how the Feishu client shows
// them: header with its template colour, markdown, column sets, dividers, buttons and forms (real HTML controls that
// keep what the person typed until the form is submitted). No dependencies.

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
  const formAction = ctx.form && formActionOf(b);
  if (formAction) return renderFormButton(b, ctx, formAction);
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

// ---- forms ---------------------------------------------------------------------------------------------------
// A form keeps its components' values in the page until one of its submit buttons is pressed. Required components
// left empty block the submit (marked, with Feishu's "有必填项未填写"); a reset button brings back the initial values.
// What is sent (`values` by component name: text, option values, open_ids, YYYY-MM-DD, HH:mm, "YYYY-MM-DD HH:mm",
// booleans for checkers) becomes the callback's form_value on the server.

const MISSING = { zh_cn: '有必填项未填写', en_us: 'Some required fields are empty' };
const CHOOSE = { zh_cn: '请选择', en_us: 'Select' };

function formActionOf(b) {
  if (b.form_action_type === 'submit' || b.action_type === 'form_submit') return 'submit';
  if (b.form_action_type === 'reset' || b.action_type === 'form_reset') return 'reset';
  return null;
}

function optionValues(e) {
  return (Array.isArray(e.options) ? e.options : []).filter((o) => o && typeof o.value === 'string');
}

/** The value a component shows before anyone touches it. */
function initialOf(e) {
  const str = (v) => (typeof v === 'string' ? v : '');
  switch (e.tag) {
    case 'input':
      return str(e.default_value);
    case 'select_static': {
      const values = optionValues(e).map((o) => o.value);
      if (values.includes(e.initial_option)) return e.initial_option;
      const i = typeof e.initial_index === 'number' ? e.initial_index : 0;
      return i >= 1 && i <= values.length ? values[i - 1] : '';
    }
    case 'select_person':
      return str(e.initial_option);
    case 'multi_select_static':
    case 'multi_select_person': {
      const initial = Array.isArray(e.selected_values) ? e.selected_values : e.initial_options;
      return Array.isArray(initial) ? initial.filter((v) => typeof v === 'string') : [];
    }
    case 'date_picker':
      return str(e.initial_date);
    case 'picker_time':
      return str(e.initial_time);
    case 'picker_datetime':
      return str(e.initial_datetime);
    case 'checker':
      return e.checked === true;
    default:
      return '';
  }
}

/** A person picker lists the people its options name; when they name nobody, the members of the chat. */
function choicesOf(e, ctx) {
  const person = e.tag === 'select_person' || e.tag === 'multi_select_person';
  const options = optionValues(e);
  if (!person) return options.map((o) => ({ value: o.value, label: textOf(o.text, ctx.lang) || o.value }));
  const isPerson = ctx.isPerson || ((id) => id.startsWith('ou_'));
  const ids = options.map((o) => o.value).filter(isPerson);
  return (ids.length ? ids : ctx.people || []).map((id) => ({ value: id, label: ctx.nameOf(id) }));
}

function renderSelect(e, ctx, initial) {
  const multiple = e.tag === 'multi_select_static' || e.tag === 'multi_select_person';
  const select = el('select', 'form-control');
  select.multiple = multiple;
  if (!multiple) {
    const none = el('option', '', textOf(e.placeholder, ctx.lang) || CHOOSE[ctx.lang] || CHOOSE.zh_cn);
    none.value = '';
    select.appendChild(none);
  }
  const chosen = multiple ? initial : [initial];
  const choices = choicesOf(e, ctx);
  for (const c of choices) {
    const option = el('option', '', c.label);
    option.value = c.value;
    option.defaultSelected = chosen.includes(c.value);
    select.appendChild(option);
  }
  if (multiple) select.size = Math.min(Math.max(choices.length, 2), 6);
  return select;
}

function renderControl(e, ctx) {
  const initial = initialOf(e);
  switch (e.tag) {
    case 'input': {
      const multiline = e.input_type === 'multiline_text';
      const control = el(multiline ? 'textarea' : 'input', 'form-control');
      if (multiline) control.rows = typeof e.rows === 'number' ? e.rows : 3;
      else control.type = e.input_type === 'password' ? 'password' : 'text';
      control.defaultValue = initial;
      control.maxLength = typeof e.max_length === 'number' ? e.max_length : 1000;
      const placeholder = textOf(e.placeholder, ctx.lang);
      if (placeholder) control.placeholder = placeholder;
      return control;
    }
    case 'date_picker':
    case 'picker_time':
    case 'picker_datetime': {
      const control = el('input', 'form-control');
      control.type = { date_picker: 'date', picker_time: 'time', picker_datetime: 'datetime-local' }[e.tag];
      control.defaultValue = e.tag === 'picker_datetime' ? initial.replace(' ', 'T') : initial;
      return control;
    }
    case 'checker': {
      const control = el('input', 'form-control');
      control.type = 'checkbox';
      control.defaultChecked = initial;
      return control;
    }
    default:
      return renderSelect(e, ctx, initial);
  }
}

/** What the person chose in `control`, in the form the sandbox sends. */
function valueOf(field) {
  const { e, control } = field;
  if (e.tag === 'checker') return control.checked;
  if (control.multiple) return [...control.selectedOptions].map((o) => o.value);
  if (e.tag === 'picker_datetime') return control.value.replace('T', ' ');
  return control.value;
}

const isEmpty = (v) => v === '' || (Array.isArray(v) && v.length === 0);

function renderField(e, ctx) {
  const name = typeof e.name === 'string' ? e.name : '';
  const label = textOf(e.label, ctx.lang);
  const wrap = el('div', `form-field tag-${e.tag}${e.required ? ' required' : ''}`);
  wrap.dataset.name = name;
  const control = renderControl(e, ctx);
  control.name = name;
  control.disabled = e.disabled === true;
  if (e.required) control.setAttribute('aria-required', 'true');
  if (e.tag === 'checker') {
    const text = textOf(e.text, ctx.lang);
    const box = el('label', 'card-checker');
    box.appendChild(control);
    box.appendChild(el('span', '', text));
    control.setAttribute('aria-label', text || label || name);
    wrap.appendChild(box);
  } else {
    const placeholder = textOf(e.placeholder, ctx.lang);
    // Feishu shows a placeholder inside the control; HTML date and time inputs and multiple selects cannot, so it is
    // shown above them.
    const inside =
      control.tagName === 'TEXTAREA' || control.tagName === 'SELECT'
        ? !control.multiple
        : !control.type.includes('date') && control.type !== 'time';
    const shown = label || (inside ? '' : placeholder);
    if (shown) wrap.appendChild(el('span', 'form-label', shown));
    control.setAttribute('aria-label', label || placeholder || name);
    wrap.appendChild(control);
  }
  if (e.width === 'fill') wrap.classList.add('fill');
  const clear = () => {
    wrap.classList.remove('missing');
    control.removeAttribute('aria-invalid');
  };
  control.addEventListener('input', clear);
  control.addEventListener('change', clear);
  if (ctx.form) ctx.form.fields.push({ e, control, wrap, clear });
  return wrap;
}

function renderForm(e, ctx) {
  const node = el('form', `card-form${e.direction === 'horizontal' ? ' horizontal' : ''}`);
  node.noValidate = true;
  const spacing = (v) => ({ small: '4px', medium: '8px', large: '12px', extra_large: '16px' })[v] || v;
  if (e.vertical_spacing) node.style.rowGap = spacing(e.vertical_spacing);
  if (e.horizontal_spacing) node.style.columnGap = spacing(e.horizontal_spacing);
  node.dataset.name = typeof e.name === 'string' ? e.name : '';
  // The page never submits the form itself (Enter in a text box included): only a submit button does.
  node.addEventListener('submit', (ev) => ev.preventDefault());
  const form = { node, fields: [], error: el('div', 'form-error') };
  renderElements(e.elements, { ...ctx, form }, node);
  form.error.setAttribute('role', 'alert');
  form.error.hidden = true;
  node.appendChild(form.error);
  return node;
}

function renderFormButton(b, ctx, action) {
  const { form } = ctx;
  const node = el('button', `card-button type-${b.type || 'default'}`, textOf(b.text, ctx.lang));
  node.type = 'button';
  node.dataset.formAction = action;
  node.dataset.name = typeof b.name === 'string' ? b.name : '';
  if (b.disabled) {
    node.disabled = true;
    node.classList.add('disabled');
    return node;
  }
  if (action === 'reset') {
    node.addEventListener('click', () => {
      form.node.reset();
      for (const f of form.fields) f.clear();
      form.error.hidden = true;
    });
    return node;
  }
  if (!ctx.onSubmit) node.classList.add('inert');
  node.addEventListener('click', () => {
    const values = {};
    const missing = [];
    for (const f of form.fields) {
      if (f.control.disabled) continue;
      const v = valueOf(f);
      values[f.e.name] = v;
      if (f.e.required && isEmpty(v)) {
        missing.push(f.e.name);
        f.wrap.classList.add('missing');
        f.control.setAttribute('aria-invalid', 'true');
      }
    }
    form.error.textContent = MISSING[ctx.lang] || MISSING.zh_cn;
    form.error.hidden = missing.length === 0;
    form.node.dataset.missing = missing.join(' ');
    if (missing.length === 0 && ctx.onSubmit) ctx.onSubmit({ button: b.name, values }, node);
  });
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
    case 'form':
      return renderForm(e, ctx);
    case 'input':
    case 'select_static':
    case 'multi_select_static':
    case 'select_person':
    case 'multi_select_person':
    case 'date_picker':
    case 'picker_time':
    case 'picker_datetime':
    case 'checker':
      return renderField(e, ctx);
    default: {
      const node = el('div', 'card-unknown', `[${e.tag}]`);
      return node;
    }
  }
}

/**
 * A card as a DOM node. `ctx`: { lang: 'zh_cn' | 'en_us', nameOf(openId) -> display name, onAction(value, button),
 * onSubmit({button: name, values}, button) for a form's submit, people: the open_ids of the chat's members (what a
 * person picker without options offers), isPerson(openId): whether it names a person of the tenant }. Without
 * onAction / onSubmit the buttons do nothing (the gallery).
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
