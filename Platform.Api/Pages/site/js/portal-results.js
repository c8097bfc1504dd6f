// What the agency's data achieved (数据成效): the leads its records contributed to and their outcomes, as counts and
// amounts, by tax period and by rule, from GraphQL controlResults with the clerk's token (the platform confines an
// agency to its own figures; no taxpayer id is in them). A range of tax periods, by default the last twelve months.
import { graphql } from './api.js';
import { onLanguageChange, t } from './i18n.js';
import { el, say, table } from './dom.js';

const $ = id => document.getElementById(id);

const counts = ['leadsRaised', 'leadsOpen', 'leadsConfirmed', 'leadsDismissed', 'leadsCollected', 'unregisteredFound', 'unregisteredRegistered'];
const amounts = ['taxAssessed', 'lateFeesAssessed', 'penaltiesAssessed', 'taxCollected', 'lateFeesCollected', 'penaltiesCollected', 'amountAtRiskOpen'];
const figures = [...counts, ...amounts];

const query = `query Results($from: String, $to: String) {
  controlResults(from: $from, to: $to) {
    headline { ...F } byMonth { ...F } byRule { ...F }
  }
}
fragment F on ResultFigures { key ${figures.join(' ')} }`;

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A figure as shown: counts as they are, amounts in yuan with two decimals and thousands separated. */
function shown(name, value) {
  return amounts.includes(name) ? money.format(Number(value ?? 0)) : String(value ?? 0);
}

function month(offset) {
  const now = new Date();
  const date = new Date(now.getFullYear(), now.getMonth() + offset, 1);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

function view(results) {
  const headers = [t('results.key'), ...figures.map(f => t(`results.${f}`))];
  const rows = lines => lines.map(line => [line.key, ...figures.map(f => el('span', { dataset: { figure: f } }, shown(f, line[f])))]);
  return [
    el('dl', { class: 'figures', id: 'results-headline' }, figures.map(f =>
      el('div', { dataset: { figure: f } }, el('dt', {}, t(`results.${f}`)), el('dd', {}, shown(f, results.headline[f]))))),
    table(t('results.byMonth'), headers, rows(results.byMonth), { class: 'results wide', id: 'results-by-month' }),
    results.byRule.length === 0 ? el('p', {}, t('results.noLeads'))
      : table(t('results.byRule'), headers, rows(results.byRule), { class: 'results wide', id: 'results-by-rule' }),
  ];
}

async function show(from, to) {
  const status = $('results-status');
  const body = $('results-body');
  say(status, t('results.loading'));
  try {
    const { controlResults } = await graphql(query, { from, to });
    const draw = () => {
      say(status, t('results.range', { from, to }));
      body.replaceChildren(...view(controlResults));
    };
    draw();
    return draw;
  } catch (error) {
    body.replaceChildren();
    say(status, error.message, 'error');
    return () => {};
  }
}

/** Shows the last twelve months (to last month, as the platform's default) and again for the range the clerk chooses. */
export async function setupResults() {
  const from = $('results-from');
  const to = $('results-to');
  from.value = month(-12);
  to.value = month(-1);
  let draw = await show(from.value, to.value);
  onLanguageChange(() => draw());
  $('results-form').addEventListener('submit', async event => {
    event.preventDefault();
    draw = await show(from.value, to.value);
  });
}
