// The batch invoice check: a workbook (.xlsx) or CSV file of lookups sent once to POST /api/invoices/verify-batch. Its JSON
// answer is the table shown, one line per invoice in the file's order; the download is that same answer as a workbook of
// text cells (POST /api/invoices/verify-batch/answers), since asking the batch twice would count every invoice twice.
import { ApiError, request, save } from './api.js';
import { either, language, onLanguageChange, t } from './i18n.js';
import { el, say, table } from './dom.js';
import { invoiceFields, payable, resultText } from './portal-invoices.js';

const $ = id => document.getElementById(id);
const answersName = 'invoice-verification.xlsx';
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

/** What a line's answer says beyond its result: the invoice's date, seller, amount and marks, or its problems by field (the API's words). */
function detail(line, lines) {
  const first = line.sameAs ? lines.find(l => l.line === line.sameAs) : null;
  const same = first ? el('strong', { class: 'same-as', dataset: { kind: 'error' } }, t('invoices.sameAs', { row: first.row || first.line })) : null;
  return same ? [same, ' ', answerDetail(line)] : answerDetail(line);
}

/** A malformed line's problems, each field's in the page's language ([zh, en] as the API gives them). */
function problemsText(problems) {
  return Object.entries(problems ?? {}).map(([field, messages]) => `${field}: ${either(messages[0], messages[1] ?? messages[0])}`).join(' ');
}

function answerDetail(line) {
  if (line.result === 'malformed') return el('span', { class: 'line-problems', dataset: { kind: 'error' } }, problemsText(line.problems));
  const invoice = line.invoice;
  if (line.result !== 'consistent' || !invoice) return '';
  return [invoice.issueDate, [invoice.sellerId, invoice.sellerName].filter(Boolean).join(' '), [invoice.buyerId, invoice.buyerName].filter(Boolean).join(' '),
    invoice.amountExcludingTax != null && `${t('invoices.amountExcludingTax')} ${invoice.amountExcludingTax}`,
    invoice.voided ? t('invoices.voided') : null, invoice.redLetter ? t('invoices.redLetter') : null]
    .filter(Boolean).join(' · ');
}

/** A line of the batch's answer as a single lookup's answer. */
function answerOf(line) {
  return { ...line, voided: line.invoice?.voided, redLetter: line.invoice?.redLetter };
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
  download.addEventListener('click', async () => {
    if (!shown) return;
    try {
      const workbook = await request('/api/invoices/verify-batch/answers?format=xlsx', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(shown),
      });
      save(await workbook.blob(), answersName);
    } catch (error) {
      say(status, error.message, 'error');
    }
  });

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
      const response = await request('/api/invoices/verify-batch', {
        method: 'POST',
        headers: { 'Content-Type': /\.xlsx$/i.test(file.name) ? xlsxType : 'text/csv', Accept: 'application/json' },
        body: file,
      });
      const lines = await response.json();
      shown = lines;
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
