// The leadership's control-results page (/dashboard, 控管成果): filters by period, county, agency and rule, and what
// GraphQL controlResults and scoreboard answer for them, drawn by dashboard-figures.js. Leaders, analysts and
// administrators read it; anyone else (an agency's clerk above all) is told it is for leadership and is asked nothing.
import { graphql } from './api.js';
import { onLanguageChange, t } from './i18n.js';
import { el, say } from './dom.js';
import { startSession } from './session.js';
import { drawBreakdowns, drawHeadline, drawQuality, drawRules, drawTrend, headlineFigures, labels, resizeCharts } from './dashboard-figures.js';

const $ = id => document.getElementById(id);
const notice = $('notice');
const readers = new Set(['leader', 'analyst', 'admin']);

const figureFields = ['key', ...headlineFigures].join(' ');
const resultsQuery = `query ControlResults($from: String, $to: String, $county: String, $agency: String, $rule: String) {
  controlResults(from: $from, to: $to, county: $county, agency: $agency, rule: $rule) {
    from to headline { ...F } byMonth { ...F } byCounty { ...F } byAgency { ...F } byRule { ...F }
  }
  scoreboard(from: $from, to: $to, agency: $agency) {
    agency due onTime late missing onTimeRate rowsAccepted rowsRejected requiredCompleteness
  }
}
fragment F on ResultFigures { ${figureFields} }`;

const state = { answer: null, agencies: new Map(), counties: new Set(), rules: new Set() };

const pad = n => String(n).padStart(2, '0');

/** The filter's period as a range of tax periods (yyyy-MM); null with a message when a field is not filled in. */
function chosenRange() {
  const year = Number($('period-year').value);
  switch ($('period-kind').value) {
    case 'month':
      return $('period-month').value ? { from: $('period-month').value, to: $('period-month').value } : null;
    case 'quarter': {
      const quarter = Number($('period-quarter').value);
      return year ? { from: `${year}-${pad(quarter * 3 - 2)}`, to: `${year}-${pad(quarter * 3)}` } : null;
    }
    case 'year':
      return year ? { from: `${year}-01`, to: `${year}-12` } : null;
    default:
      return $('period-from').value && $('period-to').value ? { from: $('period-from').value, to: $('period-to').value } : null;
  }
}

function showPeriodFields() {
  const kind = $('period-kind').value;
  for (const field of document.querySelectorAll('.filter[data-kinds]')) field.hidden = !field.dataset.kinds.split(' ').includes(kind);
}

/** After an answer, every period field shows the range answered, so switching kind starts from what is on screen. */
function fillPeriodFields({ from, to }) {
  $('period-from').value = from;
  $('period-to').value = to;
  $('period-month').value = to;
  $('period-year').value = to.slice(0, 4);
  $('period-quarter').value = String(Math.ceil(Number(to.slice(5, 7)) / 3));
}

function fillChoices() {
  const option = (value, text, selected) => el('option', { value, selected: value === selected }, text);
  const agency = $('agency').value;
  $('agency').replaceChildren(option('', t('filters.allAgencies'), agency),
    ...[...state.agencies.keys()].map(id => option(id, labels.agency(id, state.agencies), agency)));
  const rule = $('rule').value;
  $('rule').replaceChildren(option('', t('filters.allRules'), rule),
    ...[...state.rules].sort().map(r => option(r, labels.rule(r), rule)));
  $('counties').replaceChildren(...[...state.counties].sort().map(c => el('option', { value: c })));
}

function draw() {
  const { answer } = state;
  if (!answer) return;
  const results = answer.controlResults;
  const range = { from: results.from, to: results.to };
  $('range').textContent = t('dashboard.range', range);
  drawHeadline($('headline'), results.headline);
  Object.assign($('headline').dataset, range);
  drawTrend($('trend-chart'), results.byMonth);
  drawRules($('rule-chart'), results.byRule);
  drawBreakdowns(results, state.agencies, range);
  drawQuality($('quality-body'), answer.scoreboard, state.agencies, range);
  fillChoices();
}

async function load(range) {
  const county = $('county').value.trim();
  const variables = { ...range, county: county || null, agency: $('agency').value || null, rule: $('rule').value || null };
  $('dashboard').setAttribute('aria-busy', 'true');
  $('apply').disabled = true;
  say($('loading'), t('dashboard.loading'));
  try {
    const answer = await graphql(resultsQuery, variables);
    state.answer = answer;
    for (const row of answer.controlResults.byCounty) state.counties.add(row.key);
    for (const row of answer.controlResults.byRule) state.rules.add(row.key);
    say(notice, '');
    fillPeriodFields(answer.controlResults);
    draw();
  } finally {
    $('dashboard').removeAttribute('aria-busy');
    $('apply').disabled = false;
    say($('loading'), '');
  }
}

async function start() {
  const me = await startSession($('dashboard'));
  if (!me) return;
  if (!readers.has(me.role)) {
    // The API would answer an agency with its own figures only; this page is the bureau's, so it asks nothing.
    const explain = () => say(notice, t('dashboard.notLeader', { role: me.role }), 'error');
    explain();
    onLanguageChange(explain);
    return;
  }

  $('dashboard').hidden = false;
  $('period-kind').value = 'range';
  showPeriodFields();
  $('period-kind').addEventListener('change', showPeriodFields);
  $('filters').addEventListener('submit', event => {
    event.preventDefault();
    const range = chosenRange();
    if (!range) {
      say(notice, t('filters.incomplete'), 'error');
      return;
    }
    load(range).catch(error => say(notice, error.message, 'error'));
  });
  onLanguageChange(draw);
  addEventListener('resize', resizeCharts);

  const { agencies } = await graphql('{ agencies { id name nameEn } }');
  for (const agency of agencies) state.agencies.set(agency.id, agency);
  fillChoices();
  // The first answer is the API's default range (the twelve months up to last month).
  await load({ from: null, to: null });
}

start().catch(error => say(notice, error.message, 'error'));
