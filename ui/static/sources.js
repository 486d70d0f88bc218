// js_on_load of the sources panel (gr.HTML): clicking a source opens the document view scrolled to its span.
// Text goes in with textContent / text nodes only, so a document's markup stays inert.
const openDoc = async (el) => {
  const view = el.closest('.src-panel') && el.closest('.src-panel').querySelector('.doc-view');
  if (!view) return;
  view.hidden = false;
  view.textContent = '加载中… loading';
  const d = await server.open_doc({doc: el.dataset.doc, start: Number(el.dataset.start), end: Number(el.dataset.end)});
  view.textContent = '';
  if (!d || d.error) { view.textContent = (d && d.error) || 'error'; return; }
  const head = document.createElement('div');
  head.className = 'doc-head';
  const title = document.createElement('span');
  title.textContent = `原文 ${d.source.split('/').pop()} · 字符 chars ${d.start}–${d.end} / ${d.chars}`;
  const close = document.createElement('button');
  close.className = 'doc-close'; close.textContent = '✕'; close.title = '关闭 Close';
  close.addEventListener('click', (ev) => { ev.stopPropagation(); view.hidden = true; });
  head.append(title, close);
  const body = document.createElement('div');
  body.className = 'doc-body';
  const mark = document.createElement('mark');
  mark.className = 'doc-span'; mark.textContent = d.span;
  body.append(d.cut_before ? '…' : '', d.before, mark, d.after, d.cut_after ? '…' : '');
  view.append(head, body);
  body.scrollTop = Math.max(0, mark.offsetTop - body.offsetTop - body.clientHeight / 3);
  view.scrollIntoView({block: 'nearest'});
};
element.addEventListener('click', (ev) => {
  if (ev.target.closest('.doc-view')) return;
  const el = ev.target.closest('.src');
  if (el) openDoc(el);
});
element.addEventListener('keydown', (ev) => {
  const el = ev.target.closest && ev.target.closest('.src');
  if (el && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); openDoc(el); }
});
