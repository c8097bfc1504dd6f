// The batch invoice check: a workbook (.xlsx) or CSV file of lookups sent once to POST /api/invoices/verify-batch?format=csv. The API's CSV
// (formulas already neutralised by the platform) is both the table shown, one line per invoice in the file's order,
// and the file downloaded: asking twice would count every invoice twice against its daily limit.
import { ApiError, request, save } from './api.js';
import { either, language, onLanguageChange, t } from './i18n.js';
import { el, say, table } from './dom.js';
import { invoiceFields, payable, resultText } from './portal-invoices.js';

const $ = id => document.getElementById(id);
const answersName = 'invoice-verification.csv';
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The batch's headings as the national form names them, which the platform reads as it reads the field names. */
const formHeadings = ['发票代码', '发票号码', '开票日期', '不含税金额', '校验码后六位'];

/** An example batch made in the page: a legacy invoice by its amount, one by its check code, a fully digital one. */
const example = [
  formHeadings.join(','),
  '4100191130,00001234,2024-05-15,1000.00,',
  '044001900111,00005678,2024-05-20,,123456',
  ',24412000000000001234,2024-06-01,500.00,',
].join('\r\n') + '\r\n';

/** RFC 4180 CSV (quotes, doubled quotes, CRLF or LF) into rows of cells; a byte-order mark is dropped. */
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

/** The API's CSV answer as objects keyed by the name each heading ends with (序号 line → line, 查验结果 result → result, ...). */
function answersOf(text) {
  const [header, ...rows] = parseCsv(text);
  const names = header.map(heading => heading.slice(heading.lastIndexOf(' ') + 1));
  return rows.map(cells => Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])));
}

/** What a line's answer says beyond its result: the invoice's date, seller, amount and marks, or its problems by field (the API's words). */
function detail(line, lines) {
  const first = line.sameAs ? lines.find(l => l.line === line.sameAs) : null;
  const same = first ? el('strong', { class: 'same-as', dataset: { kind: 'error' } }, t('invoices.sameAs', { row: first.row || first.line })) : null;
  return same ? [same, ' ', answerDetail(line)] : answerDetail(line);
}

function answerDetail(line) {
  if (line.result === 'malformed') return el('span', { class: 'line-problems', dataset: { kind: 'error' } }, line.problems);
  if (line.result !== 'consistent') return '';
  return [line.issueDate, [line.sellerId, line.sellerName].filter(Boolean).join(' '), line.amountExcludingTax && `${t('invoices.amountExcludingTax')} ${line.amountExcludingTax}`,
    line.voided === 'true' ? t('invoices.voided') : null, line.redLetter === 'true' ? t('invoices.redLetter') : null]
    .filter(Boolean).join(' · ');
}

/** A line of the CSV answer as a single lookup's answer (its cells are text). */
function answerOf(line) {
  return {
    result: line.result, mismatched: line.mismatched ? line.mismatched.split(' ') : [], resetsAt: line.resetsAt, spent: line.spent,
    voided: line.voided === 'true', redLetter: line.redLetter === 'true',
  };
}

function answersTable(lines) {
  return table(null, [t('invoices.line'), t('invoices.code'), t('invoices.number'), t('invoices.result'), t('invoices.detail')],
    lines.map(line => [line.row || line.line, line.code, line.number,
      el('span', { class: 'result', dataset: { result: line.result, pay: String(payable(answerOf(line))) } },
        line.result === 'malformed' ? t('invoices.result.malformed') : resultText(answerOf(line))),
      detail(line, lines)]),
    { class: 'batch-answers', id: 'batch-table' });
}

export function setupInvoiceBatch() {
  const status = $('batch-status');
  const answers = $('batch-answers');
  const download = $('batch-download');
  let shown = null;
  let draw = () => {};
  onLanguageChange(() => draw());
  const header = () => { $('batch-header').textContent = (language() === 'en' ? invoiceFields : formHeadings).join(','); };
  header();
  onLanguageChange(header);

  $('batch-example').addEventListener('click', () =>
    save(new Blob(['\uFEFF' + example], { type: 'text/csv;charset=utf-8' }), 'invoice-check-example.csv'));
  download.addEventListener('click', () => { if (shown) save(shown, answersName); });

  $('batch-form').addEventListener('submit', async event => {
    event.preventDefault();
    const file = $('batch-file').files[0];
    if (!file) {
      draw = () => say(status, t('invoices.batchChoose'), 'error');
      draw();
      return;
    }
    const button = $('batch-check');
    button.disabled = true;
    download.hidden = true;
    shown = null;
    answers.replaceChildren();
    draw = () => say(status, t('invoices.batchChecking', { name: file.name }));
    draw();
    try {
      const response = await request('/api/invoices/verify-batch?format=csv', {
        method: 'POST',
        headers: { 'Content-Type': /\.xlsx$/i.test(file.name) ? xlsxType : 'text/csv', Accept: 'text/csv' },
        body: file,
      });
      shown = await response.blob();
      const lines = answersOf(await shown.text());
      draw = () => {
        say(status, t('invoices.batchDone', { count: lines.length }), 'ok');
        answers.replaceChildren(answersTable(lines));
      };
      download.hidden = false;
    } catch (error) {
      // A problem is given in Chinese, then English ([zh, en]); the page shows the one of its language.
      const problems = error instanceof ApiError ? error.errors : {};
      const inLanguage = messages => either(messages[0], messages[1] ?? messages[0]);
      draw = () => say(status, problems.header ? t('invoices.batchHeaderProblem', { problem: inLanguage(problems.header) })
        : Object.keys(problems).length > 0 ? Object.values(problems).map(inLanguage).join(' ') : error.message, 'error');
    } finally {
      button.disabled = false;
    }
    draw();
  });
}
