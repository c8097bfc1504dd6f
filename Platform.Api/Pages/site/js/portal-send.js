// Sending a file: template, period and mode chosen, a check before sending (nothing kept), and the upload itself with
// a progress bar, cancellable. A dropped connection is restarted by sending again: the platform answers a resend of
// the same bytes with the first receipt (idempotent by checksum), so nothing is stored twice.
import { ApiError, json, upload } from './api.js';
import { either, onLanguageChange, t } from './i18n.js';
import { el, say, table } from './dom.js';

const $ = id => document.getElementById(id);

/** Last month, or the last quarter's closing month for a quarterly template: the period the example files are for. */
function defaultPeriod(kind) {
  const now = new Date();
  let month = now.getMonth(); // the previous month, 0-based as Date counts: 0 means December of last year
  let year = now.getFullYear();
  if (month === 0) { month = 12; year -= 1; }
  if (kind === 'quarterly') month -= month % 3;
  if (month === 0) { month = 12; year -= 1; }
  return `${year}-${String(month).padStart(2, '0')}`;
}

function problemRows(lines) {
  return lines.map(line => [line.row ?? '', line.field ?? '', line.code, line.severity, either(line.message, line.messageEn), line.value ?? '']);
}

function problemsTable(lines) {
  return table(null, [t('report.row'), t('report.field'), t('report.code'), t('report.severity'), t('report.message'), t('report.value')],
    problemRows(lines), { class: 'problems' });
}

export function setupSending(open, refreshReceipts) {
  const form = $('send-form');
  const select = $('send-template');
  const period = $('send-period');
  const status = $('send-status');
  const progress = $('progress');
  const progressLabel = document.querySelector('label[for="progress"]');
  const checkResult = $('check-result');
  let current = null;

  const fillTemplates = () => {
    const chosen = select.value;
    select.replaceChildren(...open.map(({ template, version }) =>
      el('option', { value: `${template.id}|${version.version}` },
        `${either(template.title, template.titleEn)} (${template.id}, ${t('templates.version', { v: version.version })})`)));
    if (chosen) select.value = chosen;
  };
  fillTemplates();
  onLanguageChange(fillTemplates);
  const chosenVersion = () => open.find(({ template, version }) => `${template.id}|${version.version}` === select.value);
  const setPeriod = () => { period.value = defaultPeriod(chosenVersion()?.version.schedule.kind); };
  setPeriod();
  select.addEventListener('change', setPeriod);

  const file = () => $('send-file').files[0];
  const base = () => {
    const [id, version] = select.value.split('|');
    return { id, version };
  };

  $('check').addEventListener('click', async () => {
    checkResult.replaceChildren();
    if (!file()) { say(status, t('send.chooseFile'), 'error'); return; }
    const { id, version } = base();
    say(status, t('send.checking', { name: file().name }));
    try {
      const report = await json(`/api/templates/${encodeURIComponent(id)}/versions/${version}/check`, {
        method: 'POST', headers: { 'Content-Type': file().type || 'application/octet-stream' }, body: file(),
      });
      if (!report.headerAccepted) {
        say(status, t('send.checkHeader'), 'error');
      } else if (report.problems === 0) {
        say(status, t('send.checkOk', { read: report.rowsRead }), 'ok');
      } else {
        say(status, t('send.checkProblems', { problems: report.problems, read: report.rowsRead, valid: report.rowsValid }), 'error');
      }
      if (report.lines.length > 0) checkResult.replaceChildren(problemsTable(report.lines));
    } catch (error) {
      say(status, error instanceof ApiError ? t('send.refused') + error.message : t('error.network'), 'error');
    }
  });

  const uploading = on => {
    $('cancel').hidden = !on;
    $('send-button').disabled = on;
    $('check').disabled = on;
    progress.hidden = !on && progress.value === 0;
    progressLabel.hidden = progress.hidden;
  };

  $('cancel').addEventListener('click', () => current?.abort());

  form.addEventListener('submit', async event => {
    event.preventDefault();
    checkResult.replaceChildren();
    const chosen = file();
    if (!chosen) { say(status, t('send.chooseFile'), 'error'); return; }
    const { id, version } = base();
    const query = new URLSearchParams({ template: id, version, period: period.value, mode: $('send-mode').value, fileName: chosen.name });
    progress.value = 0;
    uploading(true);
    current = upload('/api/submissions?' + query, chosen, (loaded, total) => {
      const pct = Math.floor((loaded / total) * 100);
      progress.value = pct;
      say(status, t('send.uploading', { name: chosen.name, pct }));
    });
    try {
      const { status: code, receipt } = await current.done;
      progress.value = 100;
      say(status, t(code === 200 ? 'send.resent' : 'send.sent', { id: receipt.id }), 'ok');
      refreshReceipts();
    } catch (error) {
      progress.value = 0;
      if (error.name === 'AbortError') { say(status, t('send.cancelled')); refreshReceipts(); }
      else if (error.name === 'NetworkError') say(status, t('send.dropped'), 'error');
      else say(status, t('send.refused') + error.message, 'error');
    } finally {
      current = null;
      uploading(false);
    }
  });
}
