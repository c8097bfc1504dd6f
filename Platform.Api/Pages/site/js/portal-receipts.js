// The agency's receipts, refreshed while any file is still being checked, and a receipt's error report as a table
// with its downloads (.xlsx, .csv) from the API.
import { ApiError, download, json } from './api.js';
import { either, onLanguageChange, t } from './i18n.js';
import { el, say, table, when } from './dom.js';

const pollEvery = 1500;
const unfinished = new Set(['received', 'validating']);
let timer = null;
let shown = [];
// What each part shows now, redrawn in the other language when it changes (registered once, however often they refresh).
let redrawList = () => {};
let redrawReport = () => {};
onLanguageChange(() => { redrawList(); redrawReport(); });

function statusCell(receipt) {
  return el('span', { class: `status status-${receipt.status}`, dataset: { status: receipt.status } }, t(`status.${receipt.status}`));
}

function draw(container, polling, open) {
  polling.hidden = !shown.some(r => unfinished.has(r.status));
  polling.textContent = t('receipts.polling');
  if (shown.length === 0) {
    container.replaceChildren(el('p', {}, t('receipts.none')));
    return;
  }
  container.replaceChildren(table(null,
    [t('receipts.receivedAt'), t('receipts.template'), t('receipts.period'), t('receipts.mode'), t('receipts.file'), t('receipts.status'),
      t('receipts.accepted'), t('receipts.rejected'), t('receipts.problems'), ''],
    shown.map(r => [when(r.receivedAt), `${r.templateId} v${r.templateVersion}`, r.period, t(`mode.${r.mode}`), r.fileName, statusCell(r),
      r.rowsAccepted, r.rowsRejected, r.problems,
      unfinished.has(r.status) ? '' : el('button', { type: 'button', class: 'open-report', 'aria-label': t('receipts.openLabel', { file: r.fileName }),
        onclick: () => open(r.id) }, t('receipts.open'))]),
    { class: 'receipts', id: 'receipts-table' }));
}

/** Lists the newest receipts; while one is received or validating, asks again every 1.5 s until all are done. */
export async function showReceipts(container, polling, open) {
  clearTimeout(timer);
  shown = await json('/api/submissions?limit=50');
  redrawList = () => draw(container, polling, open);
  redrawList();
  if (shown.some(r => unfinished.has(r.status))) {
    timer = setTimeout(() => showReceipts(container, polling, open).catch(error => say(polling, error.message, 'error')), pollEvery);
  }
}

function reportView(receipt, report) {
  const base = `/api/submissions/${encodeURIComponent(receipt.id)}/errors`;
  const status = el('p', { role: 'status', 'aria-live': 'polite', hidden: true });
  const get = (format) => () => download(`${base}?format=${format}`, `${receipt.id}-errors.${format}`).catch(error => say(status, error.message, 'error'));
  return [
    el('p', {}, t('report.for', { id: receipt.id, file: receipt.fileName }), ' · ', statusCell(receipt)),
    receipt.reason ? el('p', { class: 'reason', dataset: { kind: 'error' } }, t('report.reason') + either(receipt.reason, receipt.reasonEn)) : null,
    el('p', {}, report.problems === 0 ? t('report.none') : t('report.summary', { problems: report.problems, listed: report.listed })),
    report.truncated ? el('p', {}, t('report.truncated', { listed: report.listed })) : null,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'report-xlsx', onclick: get('xlsx') }, t('report.xlsx')),
      el('button', { type: 'button', class: 'report-csv', onclick: get('csv') }, t('report.csv'))),
    status,
    report.errors.length === 0 ? null : table(null,
      [t('report.row'), t('report.field'), t('report.code'), t('report.severity'), t('report.message'), t('report.value')],
      report.errors.map(e => [e.row ?? '', e.field ?? '', e.code, e.severity, either(e.message, e.messageEn), e.value ?? '']),
      { class: 'problems', id: 'report-table' }),
  ];
}

/** Opens a receipt's error report; a receipt the API refuses (another agency's: 404; a role without reports: 403) says so. */
export async function openReport(id) {
  const section = document.getElementById('report');
  const body = document.getElementById('report-body');
  section.hidden = false;
  let draw = () => {};
  try {
    const receipt = await json(`/api/submissions/${encodeURIComponent(id)}`);
    const report = await json(`/api/submissions/${encodeURIComponent(id)}/errors`);
    draw = () => body.replaceChildren(...reportView(receipt, report).filter(Boolean));
  } catch (error) {
    const refusal = error instanceof ApiError && error.status === 404 ? 'report.notFound'
      : error instanceof ApiError && error.status === 403 ? 'report.forbidden' : null;
    draw = () => body.replaceChildren(el('p', { class: 'refused', role: 'alert', dataset: { kind: 'error' } },
      refusal ? t(refusal, { id }) : error.message));
  }
  redrawReport = draw;
  draw();
  section.focus();
}
