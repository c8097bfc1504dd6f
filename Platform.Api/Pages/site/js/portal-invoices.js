// The invoice check (发票查验), one invoice at a time, through POST /api/invoices/verify: the answer as the API gives it
// (consistent with the invoice's details and its voided/red-letter marks, inconsistent with the fields that differ,
// not found, or the day's limit reached), and a malformed field's problem shown beside that field.
import { ApiError, json } from './api.js';
import { either, onLanguageChange, t } from './i18n.js';
import { el, when } from './dom.js';

/** The lookup's fields as the API names them, with their inputs' attributes; words: invoices.FIELD and invoices.FIELDHint. */
const inputs = {
  code: { inputmode: 'numeric' },
  number: { inputmode: 'numeric', required: true },
  // Text, not a date picker: a clerk pastes the date as the invoice or a sheet gives it (2024年5月15日, 2024/5/15), which a
  // date input drops; the platform reads each of these forms (clerk review).
  issueDate: { required: true, placeholder: '2024-05-15' },
  amountExcludingTax: { inputmode: 'decimal' },
  checkCodeLast6: { inputmode: 'numeric', maxlength: 6 },
};
export const invoiceFields = Object.keys(inputs);

const $ = id => document.getElementById(id);

/** Each field: its label, its input #invoice-FIELD, its hint, and where the API's problem with it shows (#invoice-FIELD-problem). */
function drawFields(container) {
  container.replaceChildren(...invoiceFields.flatMap(field => {
    const id = `invoice-${field}`;
    return [
      el('label', { for: id, 'data-i18n': `invoices.${field}` }, t(`invoices.${field}`)),
      el('div', { class: 'field' },
        el('input', { id, name: field, autocomplete: 'off', 'aria-describedby': `${id}-hint ${id}-problem`, ...inputs[field] }),
        el('p', { id: `${id}-hint`, class: 'hint', 'data-i18n': `invoices.${field}Hint` }, t(`invoices.${field}Hint`)),
        el('p', { id: `${id}-problem`, class: 'field-problem', dataset: { kind: 'error' }, hidden: true })),
    ];
  }));
}

/** A field's name on the page (its label's words), for the fields an answer names. */
export function fieldName(field) {
  return t(`invoices.${field}`);
}

/** The invoice's details and its marks (作废, 红冲), for a consistent answer. */
export function invoiceFacts(invoice) {
  const facts = [
    ['invoices.kind', t(`invoices.kind.${invoice.kind}`)], ['invoices.code', invoice.code ?? ''], ['invoices.number', invoice.number],
    ['invoices.issueDate', invoice.issueDate], ['invoices.seller', [invoice.sellerId, invoice.sellerName].filter(Boolean).join(' ')],
    ['invoices.buyer', [invoice.buyerId, invoice.buyerName].filter(Boolean).join(' ')],
    ['invoices.amountExcludingTax', invoice.amountExcludingTax ?? ''], ['invoices.tax', invoice.tax ?? ''], ['invoices.total', invoice.total ?? ''],
  ];
  return el('div', {},
    el('p', { class: 'marks' },
      invoice.voided ? el('span', { class: 'mark', dataset: { mark: 'voided' } }, t('invoices.voided')) : null,
      invoice.redLetter ? el('span', { class: 'mark', dataset: { mark: 'red-letter' } }, t('invoices.redLetter')) : null),
    el('dl', { class: 'facts' }, facts.flatMap(([key, value]) => [el('dt', {}, t(key)), el('dd', {}, value)])));
}

/**
 * One line saying what the answer is: its result in words, with the fields that differ or when the limit resets. A voided
 * or red-letter invoice is consistent (issued as asked) but not to be paid, and says so (answer.voided, answer.redLetter).
 */
export function resultText(answer) {
  switch (answer.result) {
    case 'consistent':
      return t(answer.voided ? 'invoices.consistentVoided' : answer.redLetter ? 'invoices.consistentRedLetter' : 'invoices.result.consistent');
    case 'inconsistent':
      return answer.askBy === 'amountExcludingTax' ? t('invoices.askByAmount')
        : t('invoices.inconsistent', { fields: (answer.mismatched ?? []).map(fieldName).join('、') });
    case 'limit-reached':
      return t(answer.spent === 'caller-share' ? 'invoices.limitReachedCaller' : 'invoices.limitReached', { at: when(answer.resetsAt) });
    default:
      return t(`invoices.result.${answer.result}`);
  }
}

/** Whether the answer lets the clerk pay the invoice: consistent, and neither voided nor red-letter. */
export function payable(answer) {
  return answer.result === 'consistent' && !answer.voided && !answer.redLetter;
}

function answerView(answer) {
  const shown = { ...answer, voided: answer.invoice?.voided, redLetter: answer.invoice?.redLetter };
  return el('div', { class: 'invoice-answer', dataset: { result: answer.result } },
    el('p', { class: 'result', dataset: { kind: payable(shown) ? 'ok' : 'error' } }, resultText(shown)),
    answer.result !== 'limit-reached' && Number.isInteger(answer.remaining)
      ? el('p', { class: 'hint', id: 'invoice-remaining' }, t('invoices.remaining', { n: answer.remaining })) : null,
    answer.result === 'consistent' && answer.invoice ? invoiceFacts(answer.invoice) : null);
}

function showProblems(errors) {
  for (const field of invoiceFields) {
    const problem = $(`invoice-${field}-problem`);
    const messages = errors[field] ?? [];
    problem.textContent = messages.length > 0 ? either(messages[0], messages[1] ?? messages[0]) : '';
    problem.hidden = messages.length === 0;
    $(`invoice-${field}`).setAttribute('aria-invalid', messages.length > 0 ? 'true' : 'false');
  }
}

function lookup(form) {
  const data = new FormData(form);
  return Object.fromEntries(invoiceFields.map(field => [field, String(data.get(field) ?? '').trim()]).filter(([, value]) => value !== ''));
}

/**
 * The limits the page states (per invoice a day, the caller's share, a batch's invoices) as the platform is configured,
 * not as the words were written: filled into the lead and the batch's hint, which stay hidden until then.
 */
async function showLimits() {
  const limits = await json('/api/invoices/limits');
  const values = { perDay: limits.lookupsPerInvoicePerDay, perCaller: limits.lookupsPerInvoicePerCallerPerDay, maxBatch: limits.maxBatchInvoices };
  for (const element of [$('invoices-lead'), $('batch-header-words')]) {
    element.dataset.i18nValues = JSON.stringify(values);
    element.textContent = t(element.dataset.i18n, values);
    element.hidden = false;
  }
}

export function setupInvoiceCheck() {
  showLimits().catch(() => {}); // without them the page still checks invoices; each answer says what is left
  const form = $('invoice-form');
  const answer = $('invoice-answer');
  drawFields($('invoice-fields'));
  let draw = () => answer.replaceChildren();
  onLanguageChange(() => draw());
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const button = $('invoice-check');
    button.disabled = true;
    draw = () => answer.replaceChildren(el('p', {}, t('invoices.checking')));
    draw();
    try {
      const body = await json('/api/invoices/verify', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(lookup(form)),
      });
      showProblems({});
      draw = () => answer.replaceChildren(answerView(body));
    } catch (error) {
      const fields = error instanceof ApiError ? Object.keys(error.errors).filter(f => invoiceFields.includes(f)) : [];
      showProblems(error instanceof ApiError ? error.errors : {});
      draw = () => answer.replaceChildren(el('p', { class: 'refused', dataset: { kind: 'error' } },
        fields.length > 0 ? t('invoices.fixFields', { fields: fields.map(fieldName).join('、') }) : error.message));
      if (fields.length > 0) $(`invoice-${fields[0]}`).focus();
    } finally {
      button.disabled = false;
    }
    draw();
  });
}
