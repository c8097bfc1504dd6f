// The agency clerk's portal (/portal): the agency's templates, sending a file, receipts and error reports, and the
// agency's data-quality record, what its data achieved and the invoice check, all through the platform's REST API with the clerk's own token.
import { signedIn, signIn, signOut } from './auth.js';
import { json, whenSignedOut } from './api.js';
import { onLanguageChange, setupLanguageSwitch, t } from './i18n.js';
import { say } from './dom.js';
import { showTemplates } from './portal-templates.js';
import { setupSending } from './portal-send.js';
import { showReceipts, openReport } from './portal-receipts.js';
import { showScoreboard } from './portal-scoreboard.js';
import { setupResults } from './portal-results.js';
import { setupInvoiceCheck } from './portal-invoices.js';
import { setupInvoiceBatch } from './portal-invoice-batch.js';

const $ = id => document.getElementById(id);
const notice = $('notice');

function showSignedOut(message) {
  $('portal').hidden = true;
  $('sign-out').hidden = true;
  $('who').hidden = true;
  $('signed-out').hidden = false;
  if (message) say(notice, message, 'error');
}

/** A receipt named in the address (#receipt=ID) is opened as the page starts: links to a receipt can be shared. */
function receiptInAddress() {
  const match = /^#receipt=([\w-]+)$/.exec(location.hash);
  return match ? match[1] : null;
}

async function start() {
  setupLanguageSwitch($('language'));
  $('sign-in').addEventListener('click', () => signIn());
  $('sign-out').addEventListener('click', () => signOut());
  whenSignedOut(() => showSignedOut(t('auth.expired')));
  if (!signedIn()) {
    showSignedOut();
    return;
  }

  const me = await json('/api/me');
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('portal').hidden = false;
  const describe = () => {
    $('who').textContent = `${t('auth.as')}: ${me.name ?? me.subject ?? ''}${me.agency ? ` (${me.agency})` : ''}`;
  };
  describe();
  onLanguageChange(describe);

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
