// The agency clerk's portal (/portal): the agency's templates, sending a file, receipts and error reports, and the
// agency's data-quality record, what its data achieved and the invoice check, all through the platform's REST API with the clerk's own token.
import { onLanguageChange, t } from './i18n.js';
import { say } from './dom.js';
import { startSession } from './session.js';
import { showTemplates } from './portal-templates.js';
import { setupSending } from './portal-send.js';
import { showReceipts, openReport } from './portal-receipts.js';
import { showScoreboard } from './portal-scoreboard.js';
import { setupResults } from './portal-results.js';
import { setupInvoiceCheck } from './portal-invoices.js';
import { setupInvoiceBatch } from './portal-invoice-batch.js';

const $ = id => document.getElementById(id);
const notice = $('notice');

/** A receipt named in the address (#receipt=ID) is opened as the page starts: links to a receipt can be shared. */
function receiptInAddress() {
  const match = /^#receipt=([\w-]+)$/.exec(location.hash);
  return match ? match[1] : null;
}

async function start() {
  const me = await startSession($('portal'));
  if (!me) return;
  $('portal').hidden = false;

  const clerk = me.role === 'agency' && me.agency;
  for (const id of ['templates', 'send', 'receipts', 'scoreboard', 'results', 'invoices']) $(id).hidden = !clerk;
  for (const link of document.querySelectorAll('nav a')) link.hidden = !clerk;
  if (!clerk) {
    const explain = () => say(notice, t('role.notClerk', { role: me.role }), 'error');
    explain();
    onLanguageChange(explain);
  } else {
    const templates = await showTemplates($('template-list'));
    setupSending(templates, () => showReceipts($('receipt-list'), $('receipts-polling'), openReport));
    setupInvoiceCheck();
    setupInvoiceBatch();
    await Promise.all([showReceipts($('receipt-list'), $('receipts-polling'), openReport), showScoreboard($('scoreboard-body'), me.agency),
      setupResults()]);
  }
  const id = receiptInAddress();
  if (id) await openReport(id);
}

start().catch(error => say(notice, error.message, 'error'));
