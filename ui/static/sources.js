// js_on_load of the sources panel (gr.HTML): clicking a source opens the document view scrolled to its span.
// Text goes in with textContent / text nodes only, so a document's markup stays inert.
// A PDF or scan also shows its page (an image served by /api/documents/{id}/pages/{n}.png) with the cited
// characters' boxes over it: the boxes come as fractions of the page, so they fit the image at any size.
// With the view focused, j / → opens the next citation of the answer, k / ← the previous one, Esc closes.
let current = null;  // the source element whose document is open

const node = (tag, cls, text) => {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
};

const pageBody = (view) => {
  const body = node('div', 'doc-body page-body');
  for (const p of view.pages) {
    const frame = node('div', 'page-frame');
    frame.dataset.page = p.n;
    frame.style.aspectRatio = `1 / ${p.ratio}`;  // the page's shape before the image arrives: boxes land right
    const img = node('img');
    img.alt = `第 ${p.n} 页 page ${p.n}`;
    img.src = p.url;
    img.title = '点击在新标签页查看整页 Click to open the full page';
    img.addEventListener('click', () => window.open(p.url, '_blank', 'noopener'));
    img.addEventListener('error', () => {
      frame.style.aspectRatio = '';
      frame.replaceChildren(node('div', 'page-error', `第 ${p.n} 页无法显示，请看文本 (page ${p.n} cannot be shown; see the text)`));
    });
    frame.append(img);
    for (const [left, top, width, height] of p.boxes) {
      const box = node('div', 'page-hl');
      Object.assign(box.style, {left: `${100 * left}%`, top: `${100 * top}%`,
                                width: `${100 * width}%`, height: `${100 * height}%`});
      frame.append(box);
    }
    frame.append(node('span', 'page-n', `p. ${p.n}`));
    body.append(frame);
  }
  return body;
};

const textBody = (d) => {
  const body = node('div', 'doc-body text-body');
  const mark = node('mark', 'doc-span', d.span);
  body.append(d.cut_before ? '…' : '', d.before, mark, d.after, d.cut_after ? '…' : '');
  return [body, mark];
};

const scrollTo = (body, target) => {
  const top = target.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop;
  body.scrollTop = Math.max(0, top - body.clientHeight / 3);
};

const openDoc = async (el) => {
  const view = el.closest('.src-panel') && el.closest('.src-panel').querySelector('.doc-view');
  if (!view) return;
  current = el;
  view.hidden = false;
  view.tabIndex = 0;
  view.textContent = '加载中… loading';
  const d = await server.open_doc({doc: el.dataset.doc, start: Number(el.dataset.start), end: Number(el.dataset.end)});
  if (current !== el) return;  // another source was opened meanwhile
  view.textContent = '';
  if (!d || d.error) { view.textContent = (d && d.error) || 'error'; return; }
  const head = node('div', 'doc-head');
  const where = d.view ? ` · ${d.view.label}` : '';
  const title = node('span', 'doc-title', `原文 ${d.source.split('/').pop()}${where} · 字符 chars ${d.start}–${d.end} / ${d.chars}`);
  const close = node('button', 'doc-close', '✕');
  close.title = '关闭 Close (Esc)';
  close.addEventListener('click', (ev) => { ev.stopPropagation(); view.hidden = true; });
  const [text, mark] = textBody(d);
  const buttons = node('span', 'doc-buttons');
  if (d.view) {
    const page = pageBody(d.view);
    text.hidden = true;
    const toggle = node('button', 'doc-toggle', '文本 Text');
    toggle.title = '在页面和文本之间切换 Switch between the page and the text';
    toggle.addEventListener('click', (ev) => {
      ev.stopPropagation();
      page.hidden = !page.hidden;
      text.hidden = !text.hidden;
      toggle.textContent = page.hidden ? '页面 Page' : '文本 Text';
      scrollTo(page.hidden ? text : page, page.hidden ? mark : (page.querySelector('.page-hl') || page));
    });
    buttons.append(toggle, close);
    head.append(title, buttons);
    view.append(head, page, text);
    const first = page.querySelector('.page-hl');
    if (first) scrollTo(page, first);
  } else {
    buttons.append(close);
    head.append(title, buttons);
    view.append(head, text);
    scrollTo(text, mark);
  }
  view.append(node('div', 'doc-keys', 'j / → 下一条引用 next citation · k / ← 上一条 previous · Esc 关闭 close'));
  view.scrollIntoView({block: 'nearest'});
  view.focus({preventScroll: true});
};

// The sources of the same answer (its citations, or the passages beside the open one), in order.
const step = (by) => {
  if (!current || !current.isConnected) return;
  const list = [...current.parentElement.querySelectorAll(':scope > .src')];
  const next = list[list.indexOf(current) + by];
  if (next) { next.scrollIntoView({block: 'nearest'}); openDoc(next); }
};

element.addEventListener('click', (ev) => {
  if (ev.target.closest('.doc-view')) return;
  const el = ev.target.closest('.src');
  if (el) openDoc(el);
});
element.addEventListener('keydown', (ev) => {
  const view = ev.target.closest && ev.target.closest('.doc-view');
  if (view) {
    if (ev.key === 'j' || ev.key === 'ArrowRight') { ev.preventDefault(); step(1); }
    else if (ev.key === 'k' || ev.key === 'ArrowLeft') { ev.preventDefault(); step(-1); }
    else if (ev.key === 'Escape') { view.hidden = true; if (current && current.isConnected) current.focus(); }
    return;
  }
  const el = ev.target.closest && ev.target.closest('.src');
  if (el && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); openDoc(el); }
});
