// What the control-results page draws from one answer of GraphQL controlResults and scoreboard: the headline figures,
// the monthly trend and the rules as ECharts charts (the library is /web/vendor/echarts.min.js, a classic script),
// and each breakdown as a table with its CSV export. Aggregates only: no field asked for can carry a taxpayer id.
import { language, t } from './i18n.js';
import { el, percent, table } from './dom.js';
import { saveCsv } from './csv.js';

const money = new Set(['taxAssessed', 'lateFeesAssessed', 'penaltiesAssessed', 'taxCollected', 'lateFeesCollected', 'penaltiesCollected',
  'amountAtRiskOpen']);

export const headlineFigures = ['recordsReceived', 'recordsAccepted', 'leadsRaised', 'leadsOpen', 'leadsConfirmed', 'leadsDismissed',
  'unregisteredFound', 'unregisteredRegistered', 'taxAssessed', 'lateFeesAssessed', 'penaltiesAssessed', 'amountAtRiskOpen',
  'taxCollected', 'lateFeesCollected', 'penaltiesCollected', 'averageDaysToClose'];

// County and rule rows count leads only (a submission has no county or rule); months and agencies count both.
const leadColumns = ['leadsRaised', 'leadsOpen', 'leadsConfirmed', 'leadsDismissed', 'unregisteredFound', 'unregisteredRegistered',
  'taxAssessed', 'penaltiesAssessed', 'taxCollected', 'penaltiesCollected', 'amountAtRiskOpen', 'averageDaysToClose'];
const recordColumns = ['recordsReceived', 'recordsAccepted', ...leadColumns];

export function format(figure, value) {
  if (value === null || value === undefined) return '–';
  const locale = language() === 'en' ? 'en' : 'zh-CN';
  const digits = money.has(figure) ? 2 : figure === 'averageDaysToClose' ? 1 : 0;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A word for a key the page knows (a rule id), or the key itself. */
function wordOr(key, fallback) {
  const word = t(key);
  return word === key ? fallback : word;
}

export const labels = {
  month: key => key,
  county: key => key,
  rule: key => wordOr(`rule.${key}`, key),
  agency: (key, agencies) => {
    const agency = agencies.get(key);
    if (!agency) return key;
    return `${language() === 'en' ? agency.nameEn || agency.name : agency.name} (${key})`;
  },
};

export function drawHeadline(list, headline) {
  list.replaceChildren(...headlineFigures.map(figure =>
    el('div', { dataset: { figure, value: headline[figure] ?? '' } },
      el('dt', {}, t(`figure.${figure}`)),
      el('dd', {}, format(figure, headline[figure])))));
}

/** A breakdown of figures: its table shows them formatted, its CSV unformatted, as Excel should read them. */
function breakdown(container, { id, caption, keyHeader, label, rows, columns, fileName }) {
  tableWithExport(container, {
    id, caption, fileName,
    headers: [keyHeader, ...columns.map(c => t(`figure.${c}`))],
    rows: rows.map(row => [label(row.key), ...columns.map(c => format(c, row[c]))]),
    exportRows: rows.map(row => [label(row.key), ...columns.map(c => row[c] ?? '')]),
  });
}

export function drawBreakdowns(results, agencies, range) {
  const $ = id => document.getElementById(id);
  const suffix = `${range.from}_${range.to}`;
  breakdown($('by-month'), { id: 'month-table', caption: t('dashboard.byMonthTable'), keyHeader: t('dashboard.month'), label: labels.month,
    rows: results.byMonth, columns: recordColumns, fileName: `control-results-by-month-${suffix}.csv` });
  breakdown($('by-county'), { id: 'county-table', caption: t('dashboard.byCounty'), keyHeader: t('dashboard.county'), label: labels.county,
    rows: results.byCounty, columns: leadColumns, fileName: `control-results-by-county-${suffix}.csv` });
  breakdown($('by-agency'), { id: 'agency-table', caption: t('dashboard.byAgency'), keyHeader: t('dashboard.agency'),
    label: key => labels.agency(key, agencies), rows: results.byAgency, columns: recordColumns, fileName: `control-results-by-agency-${suffix}.csv` });
  breakdown($('by-rule'), { id: 'rule-table', caption: t('dashboard.byRule'), keyHeader: t('dashboard.rule'), label: labels.rule,
    rows: results.byRule, columns: leadColumns, fileName: `control-results-by-rule-${suffix}.csv` });
}

/** Each agency's data-quality record (数据质量考核) from the scoreboard over the same periods. */
export function drawQuality(container, scores, agencies, range) {
  const headers = [t('dashboard.agency'), t('scoreboard.due'), t('scoreboard.onTime'), t('scoreboard.late'), t('scoreboard.missing'),
    t('scoreboard.onTimeRate'), t('scoreboard.rowsAccepted'), t('scoreboard.rowsRejected'), t('dashboard.rejectionRate'),
    t('scoreboard.completeness')];
  const rejection = s => (s.rowsAccepted + s.rowsRejected === 0 ? null : s.rowsRejected / (s.rowsAccepted + s.rowsRejected));
  const row = (s, rate) => [labels.agency(s.agency, agencies), s.due, s.onTime, s.late, s.missing, rate(s.onTimeRate), s.rowsAccepted,
    s.rowsRejected, rate(rejection(s)), rate(s.requiredCompleteness)];
  tableWithExport(container, { id: 'quality-table', caption: t('dashboard.quality'), headers, rows: scores.map(s => row(s, percent)),
    exportRows: scores.map(s => row(s, value => value ?? '')), fileName: `data-quality-${range.from}_${range.to}.csv` });
}

/** A table (numbers right-aligned by the style sheet) with a button that saves its rows as CSV. */
function tableWithExport(container, { id, caption, headers, rows, exportRows, fileName }) {
  const shown = rows.length === 0
    ? el('p', { class: 'empty' }, t('dashboard.none'))
    // Focusable, so that a keyboard can scroll a table wider than the window.
    : el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption }, table(caption, headers, rows, { id }));
  container.replaceChildren(shown, el('div', { class: 'table-tools' },
    el('button', { type: 'button', class: 'export-csv', 'aria-label': t('dashboard.exportLabel', { table: caption }), disabled: rows.length === 0,
      onclick: () => saveCsv(fileName, [headers, ...exportRows]) }, t('dashboard.exportCsv'))));
}

function chartOn(node) {
  const { echarts } = globalThis;
  if (!echarts) throw new Error(t('dashboard.noChartLibrary'));
  return echarts.getInstanceByDom(node) ?? echarts.init(node);
}

/** Leads by month as bars, tax assessed and collected as lines on a second axis in yuan. */
export function drawTrend(node, byMonth) {
  const bar = figure => ({ type: 'bar', name: t(`figure.${figure}`), data: byMonth.map(m => m[figure]) });
  const line = figure => ({ type: 'line', name: t(`figure.${figure}`), yAxisIndex: 1, data: byMonth.map(m => m[figure]) });
  chartOn(node).setOption({
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 64, right: 80, top: 48, bottom: 32 },
    xAxis: { type: 'category', data: byMonth.map(m => m.key) },
    yAxis: [{ type: 'value', name: t('chart.leads'), minInterval: 1 }, { type: 'value', name: t('chart.yuan') }],
    series: [bar('leadsRaised'), bar('leadsConfirmed'), bar('leadsDismissed'), line('taxAssessed'), line('taxCollected')],
  }, true);
}

/** Leads raised and confirmed per rule, as horizontal bars. */
export function drawRules(node, byRule) {
  const rows = [...byRule].reverse();
  chartOn(node).setOption({
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 32, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map(r => labels.rule(r.key)) },
    series: ['leadsRaised', 'leadsConfirmed'].map(figure => ({ type: 'bar', name: t(`figure.${figure}`), data: rows.map(r => r[figure]) })),
  }, true);
}

export function resizeCharts() {
  for (const node of document.querySelectorAll('.chart')) globalThis.echarts?.getInstanceByDom(node)?.resize();
}
